-- Orleans reminders for the ADO.NET reminder service (contract: shared/ORLEANS.md).
-- Query texts are unqualified: the Orleans connection runs with Search Path=orleans.

-- GrainId is the grain id's text form ("type/key"), so pinned [GrainType] names keep rows valid
-- across class renames. GrainHash is the grain's uniform hash cast to a signed int by Orleans;
-- range reads compare it as signed too, so the integer column matches Orleans' own arithmetic.
-- Period is milliseconds (Orleans sends int or bigint and reads it back as bigint).
CREATE TABLE orleans.OrleansRemindersTable
(
    ServiceId    text        NOT NULL,
    GrainId      text        NOT NULL,
    ReminderName text        NOT NULL,
    StartTime    timestamptz NOT NULL,
    Period       bigint      NOT NULL,
    GrainHash    integer     NOT NULL,
    Version      integer     NOT NULL,
    CONSTRAINT PK_OrleansRemindersTable PRIMARY KEY (ServiceId, GrainId, ReminderName)
);

-- Each silo loads the reminders of its ring range on start and on every refresh.
CREATE INDEX IX_OrleansRemindersTable_ServiceId_GrainHash
    ON orleans.OrleansRemindersTable (ServiceId, GrainHash);

INSERT INTO orleans.OrleansQuery (QueryKey, QueryText) VALUES

('ReadReminderRowsKey', $query$
SELECT GrainId, ReminderName, StartTime, Period, Version
FROM OrleansRemindersTable
WHERE ServiceId = @ServiceId
  AND GrainId = @GrainId
$query$),

('ReadReminderRowKey', $query$
SELECT GrainId, ReminderName, StartTime, Period, Version
FROM OrleansRemindersTable
WHERE ServiceId = @ServiceId
  AND GrainId = @GrainId
  AND ReminderName = @ReminderName
$query$),

-- Orleans picks Rows1 when (int)BeginHash < (int)EndHash: a plain range on the ring.
('ReadRangeRows1Key', $query$
SELECT GrainId, ReminderName, StartTime, Period, Version
FROM OrleansRemindersTable
WHERE ServiceId = @ServiceId
  AND GrainHash > @BeginHash
  AND GrainHash <= @EndHash
$query$),

-- ... and Rows2 otherwise: the range wraps around the end of the ring (or is the whole ring).
('ReadRangeRows2Key', $query$
SELECT GrainId, ReminderName, StartTime, Period, Version
FROM OrleansRemindersTable
WHERE ServiceId = @ServiceId
  AND (GrainHash > @BeginHash OR GrainHash <= @EndHash)
$query$),

-- Insert at version 0 or replace the schedule and bump the version, in one statement; the
-- primary key serializes concurrent registrations of the same reminder.
('UpsertReminderRowKey', $query$
INSERT INTO OrleansRemindersTable AS r
    (ServiceId, GrainId, ReminderName, StartTime, Period, GrainHash, Version)
VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
ON CONFLICT ON CONSTRAINT PK_OrleansRemindersTable DO UPDATE
SET StartTime = EXCLUDED.StartTime,
    Period = EXCLUDED.Period,
    GrainHash = EXCLUDED.GrainHash,
    Version = r.Version + 1
RETURNING Version
$query$),

-- Delete only the version the caller holds; answers exactly one boolean column.
('DeleteReminderRowKey', $query$
WITH deleted AS (
    DELETE FROM OrleansRemindersTable
    WHERE ServiceId = @ServiceId
      AND GrainId = @GrainId
      AND ReminderName = @ReminderName
      AND Version = @Version
    RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM deleted)
$query$),

('DeleteReminderRowsKey', $query$
DELETE FROM OrleansRemindersTable
WHERE ServiceId = @ServiceId
$query$)

ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
