-- Orleans membership for ADO.NET clustering (contract: shared/ORLEANS.md). DeploymentId is the
-- ClusterId. Query texts are unqualified: the Orleans connection runs with Search Path=orleans.

-- One version row per cluster. Every membership change must bump it, conditioned on the version
-- the silo read, so the table behaves like one optimistic record.
CREATE TABLE orleans.OrleansMembershipVersionTable
(
    DeploymentId text        NOT NULL,
    Timestamp    timestamptz NOT NULL DEFAULT now(),
    Version      integer     NOT NULL DEFAULT 0,
    CONSTRAINT PK_OrleansMembershipVersionTable PRIMARY KEY (DeploymentId)
);

-- Members. Status is Orleans' SiloStatus (3 = Active, 6 = Dead). SuspectTimes is Orleans' own
-- "silo,date|silo,date" text. Deleting a cluster's version row removes its members.
CREATE TABLE orleans.OrleansMembershipTable
(
    DeploymentId text        NOT NULL,
    Address      text        NOT NULL,
    Port         integer     NOT NULL,
    Generation   integer     NOT NULL,
    SiloName     text        NOT NULL,
    HostName     text        NOT NULL,
    Status       integer     NOT NULL,
    ProxyPort    integer     NOT NULL DEFAULT 0,
    SuspectTimes text        NULL,
    StartTime    timestamptz NOT NULL,
    IAmAliveTime timestamptz NOT NULL,
    CONSTRAINT PK_OrleansMembershipTable PRIMARY KEY (DeploymentId, Address, Port, Generation),
    CONSTRAINT FK_OrleansMembershipTable_Version FOREIGN KEY (DeploymentId)
        REFERENCES orleans.OrleansMembershipVersionTable (DeploymentId) ON DELETE CASCADE
);

INSERT INTO orleans.OrleansQuery (QueryKey, QueryText) VALUES

-- Answers one boolean: whether this call created the version row.
('InsertMembershipVersionKey', $query$
WITH inserted AS (
    INSERT INTO OrleansMembershipVersionTable (DeploymentId, Timestamp, Version)
    VALUES (@DeploymentId, now(), 0)
    ON CONFLICT ON CONSTRAINT PK_OrleansMembershipVersionTable DO NOTHING
    RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM inserted)
$query$),

-- Reads are one statement (one snapshot), so members and table version are consistent.
-- The version row is always returned; member columns are NULL when there are no members.
('MembershipReadAllKey', $query$
SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status,
       m.ProxyPort, m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
FROM OrleansMembershipVersionTable v
LEFT OUTER JOIN OrleansMembershipTable m ON m.DeploymentId = v.DeploymentId
WHERE v.DeploymentId = @DeploymentId
$query$),

('MembershipReadRowKey', $query$
SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status,
       m.ProxyPort, m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
FROM OrleansMembershipVersionTable v
LEFT OUTER JOIN OrleansMembershipTable m
    ON m.DeploymentId = v.DeploymentId
   AND m.Address = @Address
   AND m.Port = @Port
   AND m.Generation = @Generation
WHERE v.DeploymentId = @DeploymentId
$query$),

-- All-or-nothing in one statement: lock the version row only if it is still at @Version (a
-- concurrent committed bump makes the re-check fail), insert the member only under that lock,
-- and bump the version only if the member was inserted. A duplicate member or a stale version
-- changes nothing and answers false. 2147483647 keeps the integer version from overflowing.
('InsertMembershipKey', $query$
WITH locked AS (
    SELECT DeploymentId
    FROM OrleansMembershipVersionTable
    WHERE DeploymentId = @DeploymentId
      AND Version = @Version
      AND Version < 2147483647
    FOR UPDATE
), inserted AS (
    INSERT INTO OrleansMembershipTable
        (DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort,
         SuspectTimes, StartTime, IAmAliveTime)
    SELECT DeploymentId, @Address, @Port, @Generation, COALESCE(@SiloName, ''),
           COALESCE(@HostName, ''), @Status, COALESCE(@ProxyPort, 0), NULL, @StartTime,
           @IAmAliveTime
    FROM locked
    ON CONFLICT ON CONSTRAINT PK_OrleansMembershipTable DO NOTHING
    RETURNING DeploymentId
), bumped AS (
    UPDATE OrleansMembershipVersionTable v
    SET Version = v.Version + 1,
        Timestamp = now()
    FROM inserted i
    WHERE v.DeploymentId = i.DeploymentId
    RETURNING v.Version
)
SELECT EXISTS (SELECT 1 FROM bumped)
$query$),

-- Same shape as the insert: the member changes and the version is bumped together, or neither.
('UpdateMembershipKey', $query$
WITH locked AS (
    SELECT DeploymentId
    FROM OrleansMembershipVersionTable
    WHERE DeploymentId = @DeploymentId
      AND Version = @Version
      AND Version < 2147483647
    FOR UPDATE
), updated AS (
    UPDATE OrleansMembershipTable m
    SET Status = @Status,
        SuspectTimes = @SuspectTimes,
        IAmAliveTime = @IAmAliveTime
    FROM locked l
    WHERE m.DeploymentId = l.DeploymentId
      AND m.Address = @Address
      AND m.Port = @Port
      AND m.Generation = @Generation
    RETURNING m.DeploymentId
), bumped AS (
    UPDATE OrleansMembershipVersionTable v
    SET Version = v.Version + 1,
        Timestamp = now()
    FROM updated u
    WHERE v.DeploymentId = u.DeploymentId
    RETURNING v.Version
)
SELECT EXISTS (SELECT 1 FROM bumped)
$query$),

-- Heartbeat: a blind write of one column of one row; it must not touch the table version.
('UpdateIAmAlivetimeKey', $query$
UPDATE OrleansMembershipTable
SET IAmAliveTime = @IAmAliveTime
WHERE DeploymentId = @DeploymentId
  AND Address = @Address
  AND Port = @Port
  AND Generation = @Generation
$query$),

-- Used by clients (and the gateway process) to find silos to connect to.
('GatewaysQueryKey', $query$
SELECT Address, ProxyPort, Generation
FROM OrleansMembershipTable
WHERE DeploymentId = @DeploymentId
  AND Status = @Status
  AND ProxyPort > 0
$query$),

-- Removes the cluster's version row; the foreign key cascades to its members.
('DeleteMembershipTableEntriesKey', $query$
DELETE FROM OrleansMembershipVersionTable
WHERE DeploymentId = @DeploymentId
$query$),

-- Deletes Dead members not heard of since the cutoff. Does not bump the version, as Orleans
-- expects (defunct rows are invisible to the protocol).
('CleanupDefunctSiloEntriesKey', $query$
DELETE FROM OrleansMembershipTable
WHERE DeploymentId = @DeploymentId
  AND Status = 6
  AND IAmAliveTime < @IAmAliveTime
  AND StartTime < @IAmAliveTime
$query$),

-- Optional key that Orleans 10.4 uses when present: deletes one Dead member only if it is still
-- exactly as the caller read it, so a row that changed since is left alone.
('CleanupDefunctSiloEntryKey', $query$
DELETE FROM OrleansMembershipTable
WHERE DeploymentId = @DeploymentId
  AND Address = @Address
  AND Port = @Port
  AND Generation = @Generation
  AND Status = 6
  AND StartTime = @StartTime
  AND IAmAliveTime = @IAmAliveTime
  AND COALESCE(SuspectTimes, '') = COALESCE(@SuspectTimes, '')
$query$)

ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
