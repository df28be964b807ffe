package remit

import "context"

// BatchSize is the count of claim payments a store plans and writes at a
// time: large enough that a batch's queries and multi-row inserts stay
// few, small enough that what a posting holds at once is a batch's claims,
// lines and ledger rows rather than a whole 835's.
const BatchSize = 500

// ClaimCount returns the count of the remittance's claim payments (CLPs).
func (rem *Remittance) ClaimCount() int {
	if rem.Stream != nil {
		return rem.Stream.claims
	}
	return len(rem.Claims)
}

// ClaimBatches calls fn with the remittance's claim payments in file
// order, size at a time (the last batch may be shorter), with the 0-based
// index of each batch's first claim; an error from fn stops it. A
// remittance read by ReadFileStream reads its claims again from the file,
// so only one batch of them is in memory at once.
func (rem *Remittance) ClaimBatches(size int, fn func(first int, claims []*ClaimPayment) error) error {
	if size < 1 {
		size = BatchSize
	}
	if rem.Stream != nil {
		return rem.Stream.batches(size, fn)
	}
	for first := 0; first < len(rem.Claims); first += size {
		if err := fn(first, rem.Claims[first:min(first+size, len(rem.Claims))]); err != nil {
			return err
		}
	}
	return nil
}

type batchKey struct{}

// WithBatchSize returns a context whose postings plan and write n claims
// at a time instead of BatchSize. Tests use it to post a small 835 in
// several batches, or a large one in one batch, and compare the two.
func WithBatchSize(ctx context.Context, n int) context.Context {
	return context.WithValue(ctx, batchKey{}, n)
}

// BatchSizeFrom returns the context's batch size, BatchSize by default.
func BatchSizeFrom(ctx context.Context) int {
	if n, ok := ctx.Value(batchKey{}).(int); ok && n > 0 {
		return n
	}
	return BatchSize
}
