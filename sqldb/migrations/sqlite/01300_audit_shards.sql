-- +goose Up
-- The audit log becomes N hash chains per organization instead of one, so
-- audited writes about different patients do not queue on one head row.
-- An event's shard is part of its place in the log (org_id, shard, seq);
-- the single chain every event so far belongs to continues as shard 0, its
-- hashes unchanged, so an existing log verifies after this migration.
--
-- SQLite cannot drop the old UNIQUE (org_id, seq), so the table is rebuilt:
-- copied aside, dropped and made again with the same ids. audit_list_patient
-- refers to audit_event(id); its foreign keys are checked at commit, when
-- every event is back under the same id.
PRAGMA defer_foreign_keys = ON;
CREATE TABLE audit_event_copy AS SELECT * FROM audit_event;
DROP TABLE audit_event;
CREATE TABLE audit_event (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES organization(id),
    shard      INTEGER NOT NULL DEFAULT 0,
    seq        INTEGER NOT NULL,
    at         TEXT NOT NULL,
    user_id    INTEGER NOT NULL,
    action     TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_id  INTEGER NOT NULL,
    patient_id INTEGER NOT NULL,
    reason     TEXT NOT NULL,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL,
    UNIQUE (org_id, shard, seq)
);
INSERT INTO audit_event (id, org_id, shard, seq, at, user_id, action, entity, entity_id, patient_id, reason, prev_hash, hash)
    SELECT id, org_id, 0, seq, at, user_id, action, entity, entity_id, patient_id, reason, prev_hash, hash
    FROM audit_event_copy ORDER BY id;
DROP TABLE audit_event_copy;
CREATE INDEX audit_event_patient ON audit_event (org_id, patient_id);
CREATE INDEX audit_event_org ON audit_event (org_id, id);

-- +goose StatementBegin
CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
BEGIN
    SELECT RAISE(ABORT, 'audit_event is append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
BEGIN
    SELECT RAISE(ABORT, 'audit_event is append-only');
END;
-- +goose StatementEnd

-- One head per chain: the last event's number and hash. A head only moves
-- forward and is never removed.
CREATE TABLE audit_chain_head (
    org_id INTEGER NOT NULL REFERENCES organization(id),
    shard  INTEGER NOT NULL,
    seq    INTEGER NOT NULL,
    hash   TEXT NOT NULL,
    PRIMARY KEY (org_id, shard)
);
INSERT INTO audit_chain_head (org_id, shard, seq, hash) SELECT org_id, 0, seq, hash FROM audit_head;
DROP TABLE audit_head;

-- +goose StatementBegin
CREATE TRIGGER audit_chain_head_forward BEFORE UPDATE ON audit_chain_head
WHEN NEW.seq < OLD.seq OR NEW.org_id <> OLD.org_id OR NEW.shard <> OLD.shard
BEGIN
    SELECT RAISE(ABORT, 'an audit chain head only moves forward');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audit_chain_head_no_delete BEFORE DELETE ON audit_chain_head
BEGIN
    SELECT RAISE(ABORT, 'an audit chain head is never removed');
END;
-- +goose StatementEnd

-- How many chains an organization's new events spread over (16 when the
-- organization has no row). Changing it is safe at any time: every event
-- records its own shard, and verification walks every shard there is.
CREATE TABLE audit_chain_config (
    org_id INTEGER PRIMARY KEY REFERENCES organization(id),
    shards INTEGER NOT NULL CHECK (shards BETWEEN 1 AND 1024)
);

-- +goose Down
-- Going back is possible only while every event is still on chain 0: the
-- CHECK refuses the copy otherwise.
CREATE TEMP TABLE audit_down_guard (sharded INTEGER CHECK (sharded = 0));
INSERT INTO audit_down_guard SELECT COUNT(*) FROM audit_event WHERE shard <> 0;
DROP TABLE audit_down_guard;
DROP TABLE audit_chain_config;
CREATE TABLE audit_head (
    org_id INTEGER PRIMARY KEY REFERENCES organization(id),
    seq    INTEGER NOT NULL,
    hash   TEXT NOT NULL
);
INSERT INTO audit_head (org_id, seq, hash) SELECT org_id, seq, hash FROM audit_chain_head WHERE shard = 0;
DROP TABLE audit_chain_head;
PRAGMA defer_foreign_keys = ON;
CREATE TABLE audit_event_copy AS SELECT * FROM audit_event;
DROP TABLE audit_event;
CREATE TABLE audit_event (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES organization(id),
    seq        INTEGER NOT NULL,
    at         TEXT NOT NULL,
    user_id    INTEGER NOT NULL,
    action     TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_id  INTEGER NOT NULL,
    patient_id INTEGER NOT NULL,
    reason     TEXT NOT NULL,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL,
    UNIQUE (org_id, seq)
);
INSERT INTO audit_event (id, org_id, seq, at, user_id, action, entity, entity_id, patient_id, reason, prev_hash, hash)
    SELECT id, org_id, seq, at, user_id, action, entity, entity_id, patient_id, reason, prev_hash, hash
    FROM audit_event_copy ORDER BY id;
DROP TABLE audit_event_copy;
CREATE INDEX audit_event_patient ON audit_event (org_id, patient_id);

-- +goose StatementBegin
CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
BEGIN
    SELECT RAISE(ABORT, 'audit_event is append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
BEGIN
    SELECT RAISE(ABORT, 'audit_event is append-only');
END;
-- +goose StatementEnd
