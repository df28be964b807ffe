-- +goose Up
-- The audit log becomes N hash chains per organization instead of one, so
-- audited writes about different patients do not queue on one head row.
-- An event's shard is part of its place in the log (org_id, shard, seq);
-- the single chain every event so far belongs to continues as shard 0, its
-- hashes unchanged, so an existing log verifies after this migration.
-- Adding a column with a constant default rewrites no row.
ALTER TABLE audit_event ADD COLUMN shard INTEGER NOT NULL DEFAULT 0;
ALTER TABLE audit_event DROP CONSTRAINT audit_event_org_id_seq_key;
ALTER TABLE audit_event ADD CONSTRAINT audit_event_chain_seq UNIQUE (org_id, shard, seq);
CREATE INDEX audit_event_org ON audit_event (org_id, id);

-- One head per chain: the last event's number and hash. A head only moves
-- forward and is never removed.
CREATE TABLE audit_chain_head (
    org_id BIGINT NOT NULL REFERENCES organization(id),
    shard  INTEGER NOT NULL,
    seq    BIGINT NOT NULL,
    hash   TEXT NOT NULL,
    PRIMARY KEY (org_id, shard)
);
INSERT INTO audit_chain_head (org_id, shard, seq, hash) SELECT org_id, 0, seq, hash FROM audit_head;
DROP TABLE audit_head;

-- +goose StatementBegin
CREATE FUNCTION audit_chain_head_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'an audit chain head is never removed';
    END IF;
    IF NEW.seq < OLD.seq OR NEW.org_id <> OLD.org_id OR NEW.shard <> OLD.shard THEN
        RAISE EXCEPTION 'an audit chain head only moves forward';
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER audit_chain_head_forward BEFORE UPDATE OR DELETE ON audit_chain_head
    FOR EACH ROW EXECUTE FUNCTION audit_chain_head_forward();

-- How many chains an organization's new events spread over (16 when the
-- organization has no row). Changing it is safe at any time: every event
-- records its own shard, and verification walks every shard there is.
CREATE TABLE audit_chain_config (
    org_id BIGINT PRIMARY KEY REFERENCES organization(id),
    shards INTEGER NOT NULL CHECK (shards BETWEEN 1 AND 1024)
);

-- +goose Down
-- +goose StatementBegin
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM audit_event WHERE shard <> 0) THEN
        RAISE EXCEPTION 'audit events on chains other than 0 exist; the single-chain layout cannot hold them';
    END IF;
END;
$$;
-- +goose StatementEnd
DROP TABLE audit_chain_config;
CREATE TABLE audit_head (
    org_id BIGINT PRIMARY KEY REFERENCES organization(id),
    seq    BIGINT NOT NULL,
    hash   TEXT NOT NULL
);
INSERT INTO audit_head (org_id, seq, hash) SELECT org_id, seq, hash FROM audit_chain_head WHERE shard = 0;
DROP TRIGGER audit_chain_head_forward ON audit_chain_head;
DROP FUNCTION audit_chain_head_forward();
DROP TABLE audit_chain_head;
DROP INDEX audit_event_org;
ALTER TABLE audit_event DROP CONSTRAINT audit_event_chain_seq;
ALTER TABLE audit_event ADD CONSTRAINT audit_event_org_id_seq_key UNIQUE (org_id, seq);
ALTER TABLE audit_event DROP COLUMN shard;
