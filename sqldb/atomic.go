package sqldb

import (
	"context"
	"strconv"
)

type ambientKey struct{}

// Atomically runs fn so that every service call it makes with the context
// it is given joins one transaction: all of them commit together or none
// does. An interface message (an HL7 v2 message, a FHIR bundle) is applied
// through the ordinary services this way, so it is never half-applied.
// On PostgreSQL a serialization failure retries the whole of fn.
//
// Called inside another Atomically, fn runs under a savepoint: its error
// undoes only its own changes, and the outer transaction goes on. A file
// of messages is applied this way, many messages per commit, each still
// whole or not at all.
func (db *DB) Atomically(ctx context.Context, fn func(ctx context.Context) error) error {
	if tx := db.ambient(ctx); tx != nil {
		// Savepoints nest strictly, and both databases take a name to mean
		// its innermost savepoint: naming one by its depth gives the same
		// few statements, prepared once per transaction.
		tx.depth++
		defer func() { tx.depth-- }()
		sp := "sp" + strconv.Itoa(tx.depth)
		if _, err := tx.ExecContext(ctx, "SAVEPOINT "+sp); err != nil {
			return err
		}
		mark := tx.auditMark()
		if err := fn(ctx); err != nil {
			tx.auditRewind(mark)
			if _, rerr := tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT "+sp); rerr != nil {
				return rerr
			}
			tx.ExecContext(ctx, "RELEASE SAVEPOINT "+sp)
			return err
		}
		_, err := tx.ExecContext(ctx, "RELEASE SAVEPOINT "+sp)
		return err
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
