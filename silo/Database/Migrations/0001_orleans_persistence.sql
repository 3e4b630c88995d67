-- Orleans grain state for the ADO.NET grain storage provider (contract: shared/ORLEANS.md).
--
-- Every object lives in schema "orleans". The query texts registered in OrleansQuery are
-- unqualified on purpose: the Orleans connection string carries Search Path=orleans
-- (DatabaseMigrator.OrleansConnectionString), so the providers never see the billing schema.

-- The providers read their SQL from this table at start-up; 0002 and 0003 add their keys here.
CREATE TABLE orleans.OrleansQuery
(
    QueryKey  varchar(64) NOT NULL,
    QueryText text        NOT NULL,
    CONSTRAINT PK_OrleansQuery PRIMARY KEY (QueryKey)
);

-- One row per (service, state name, grain id). GrainTypeString is the *state name* given to
-- [PersistentState], not the grain class, so two classes must never share a state name.
-- GrainIdExtensionString holds the whole key for string-keyed grains; integer and Guid keys
-- without an extension store '' so the column can be part of the primary key (NULL cannot).
-- The hashes come from Orleans' stable hasher; GrainIdHash leads the key to keep look-ups
-- narrow, and the full natural key follows so different strings with one hash never collide.
CREATE TABLE orleans.OrleansStorage
(
    GrainIdHash            integer     NOT NULL,
    GrainTypeHash          integer     NOT NULL,
    ServiceId              text        NOT NULL,
    GrainTypeString        text        NOT NULL,
    GrainIdN0              bigint      NOT NULL,
    GrainIdN1              bigint      NOT NULL,
    GrainIdExtensionString text        NOT NULL,
    PayloadBinary          bytea       NULL,
    Version                integer     NOT NULL,
    ModifiedOn             timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT PK_OrleansStorage PRIMARY KEY
        (GrainIdHash, ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString)
);

-- Query texts. Orleans passes GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString,
-- GrainIdExtensionString and ServiceId to each of them (unused ones are simply not referenced).
INSERT INTO orleans.OrleansQuery (QueryKey, QueryText) VALUES

-- A cleared row (NULL payload) is still returned: its Version is the ETag the next write needs.
('ReadFromStorageKey', $query$
SELECT PayloadBinary, Version
FROM OrleansStorage
WHERE GrainIdHash = @GrainIdHash
  AND ServiceId = @ServiceId
  AND GrainTypeString = @GrainTypeString
  AND GrainIdN0 = @GrainIdN0
  AND GrainIdN1 = @GrainIdN1
  AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString, '')
$query$),

-- Optimistic write, one statement so it is all-or-nothing:
--  * GrainStateVersion NULL: insert version 1 only if no row exists. ON CONFLICT DO NOTHING
--    makes two racing first writers resolve on the primary key: exactly one inserts.
--  * otherwise: update only the row still at GrainStateVersion. A racing writer with the same
--    version waits for the row lock, re-checks Version against the committed row and matches
--    nothing.
-- Exactly one row is always returned: the new version, or NULL on conflict (Orleans turns a
-- NULL or unchanged version into InconsistentStateException).
('WriteToStorageKey', $query$
WITH inserted AS (
    INSERT INTO OrleansStorage
        (GrainIdHash, GrainTypeHash, ServiceId, GrainTypeString, GrainIdN0, GrainIdN1,
         GrainIdExtensionString, PayloadBinary, Version, ModifiedOn)
    SELECT @GrainIdHash, @GrainTypeHash, @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1,
           COALESCE(@GrainIdExtensionString, ''), @PayloadBinary, 1, now()
    WHERE @GrainStateVersion IS NULL
    ON CONFLICT ON CONSTRAINT PK_OrleansStorage DO NOTHING
    RETURNING Version
), updated AS (
    UPDATE OrleansStorage
    SET PayloadBinary = @PayloadBinary,
        Version = Version + 1,
        ModifiedOn = now()
    WHERE GrainIdHash = @GrainIdHash
      AND ServiceId = @ServiceId
      AND GrainTypeString = @GrainTypeString
      AND GrainIdN0 = @GrainIdN0
      AND GrainIdN1 = @GrainIdN1
      AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString, '')
      AND Version = @GrainStateVersion
    RETURNING Version
)
SELECT (SELECT Version FROM inserted UNION ALL SELECT Version FROM updated) AS NewGrainStateVersion
$query$),

-- Clear keeps the row (payload NULL) and bumps the version, so a stale writer still conflicts
-- afterwards. One row always: the new version, or NULL when the version did not match.
('ClearStorageKey', $query$
WITH cleared AS (
    UPDATE OrleansStorage
    SET PayloadBinary = NULL,
        Version = Version + 1,
        ModifiedOn = now()
    WHERE GrainIdHash = @GrainIdHash
      AND ServiceId = @ServiceId
      AND GrainTypeString = @GrainTypeString
      AND GrainIdN0 = @GrainIdN0
      AND GrainIdN1 = @GrainIdN1
      AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString, '')
      AND Version = @GrainStateVersion
    RETURNING Version
)
SELECT (SELECT Version FROM cleared) AS NewGrainStateVersion
$query$),

-- Only used with AdoNetGrainStorageOptions.DeleteStateOnClear: removes the row when the version
-- matches and answers a value different from the old version (old + 1); NULL means conflict.
('DeleteStorageKey', $query$
WITH deleted AS (
    DELETE FROM OrleansStorage
    WHERE GrainIdHash = @GrainIdHash
      AND ServiceId = @ServiceId
      AND GrainTypeString = @GrainTypeString
      AND GrainIdN0 = @GrainIdN0
      AND GrainIdN1 = @GrainIdN1
      AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString, '')
      AND Version = @GrainStateVersion
    RETURNING Version
)
SELECT (SELECT Version::bigint + 1 FROM deleted) AS NewGrainStateVersion
$query$)

ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
