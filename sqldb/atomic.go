package sqldb

import "context"

type ambientKey struct{}

// Atomically runs fn so that every service call it makes with the context
// it is given joins one transaction: all of them commit together or none
// does. An interface message (an HL7 v2 message, a FHIR bundle) is applied
// through the ordinary services this way, so it is never half-applied.
// On PostgreSQL a serialization failure retries the whole of fn.
func (db *DB) Atomically(ctx context.Context, fn func(ctx context.Context) error) error {
	if db.ambient(ctx) != nil {
		return fn(ctx)
	}
	return db.Transact(ctx, func(tx *Tx) error {
		return fn(context.WithValue(ctx, ambientKey{}, tx))
	})
}

// ambient returns the transaction Atomically put in ctx for this database,
// or nil.
func (db *DB) ambient(ctx context.Context) *Tx {
	if tx, ok := ctx.Value(ambientKey{}).(*Tx); ok && tx.db == db {
		return tx
	}
	return nil
}
