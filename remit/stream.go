package remit

import (
	"errors"
	"fmt"
	"io"
)

// ClaimStream is the claim payments of a remittance that stay in the
// file: what a first pass over the file learned about them, and how to
// read them again batch by batch.
type ClaimStream struct {
	claims      int
	fingerprint string
	balance     error
	batches     func(size int, fn func(first int, claims []*ClaimPayment) error) error
}

// ReadFileStream validates a whole 835 file as ReadFile does (a file with
// any finding is refused with an *InvalidFileError) and reads it as a
// stream, so that what is in memory at once is one claim payment, or one
// batch of them, rather than the file: a 17 MB 835 of 50,000 claims is one
// transaction set, whose tree and Remittance would take many times the
// file's size. The remittances it returns have no Claims; their Stream
// reads the claims from r again, batch by batch, when the store posts them
// (ClaimBatches), and Balance, Fingerprint and ClaimCount answer from a
// first pass over the file. r is read several times, and must not change
// until the posting ends: a file whose claims read differently during the
// posting than before it fails the posting.
func ReadFileStream(r io.ReadSeeker) ([]*Remittance, error) {
	v := Validator()
	res := v.Validate(r)
	if !res.Valid() {
		return nil, &InvalidFileError{Findings: res.Findings, More: res.Dropped}
	}
	// First pass: each transaction set's header and PLB adjustments, its
	// count of claims and its balancing rules.
	if err := rewind(r); err != nil {
		return nil, err
	}
	var out []*Remittance
	var bal balance
	n := 0
	err := read835(r, func(rem *Remittance, c *ClaimPayment) error {
		if c != nil {
			bal.claim(n, c)
			n++
			return nil
		}
		rem.Stream = &ClaimStream{claims: n, balance: bal.err(rem)}
		out = append(out, rem)
		bal, n = balance{}, 0
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, &ParseError{Reason: "no 835 transaction set (ISA/GS/ST*835) found"}
	}
	// Second pass: the fingerprint, which hashes the count of claims
	// before the claims.
	if err := rewind(r); err != nil {
		return nil, err
	}
	k := 0
	var fp *fingerprint
	err = read835(r, func(_ *Remittance, c *ClaimPayment) error {
		rem := out[k]
		if fp == nil {
			fp = newFingerprint(rem, rem.Stream.claims)
		}
		if c != nil {
			fp.claim(c)
			return nil
		}
		rem.Stream.fingerprint = fp.sum(rem)
		fp = nil
		k++
		return nil
	})
	if err != nil {
		return nil, err
	}
	for k, rem := range out {
		rem.Stream.batches = func(size int, fn func(int, []*ClaimPayment) error) error {
			return streamBatches(r, k, rem, size, fn)
		}
	}
	return out, nil
}

func rewind(r io.ReadSeeker) error {
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("read 835 again: %w", err)
	}
	return nil
}

// errStop ends a read once the transaction set wanted is read.
var errStop = errors.New("stop")

// streamBatches reads the claims of the k-th (0-based) transaction set of
// r and hands them to fn size at a time. The claims must be the ones the
// first passes read: their count and fingerprint are checked again at the
// end, so a file changed while it was posted fails the posting, which the
// store then rolls back.
func streamBatches(r io.ReadSeeker, k int, rem *Remittance, size int, fn func(int, []*ClaimPayment) error) error {
	if err := rewind(r); err != nil {
		return err
	}
	set, first, n := 0, 0, 0
	var batch []*ClaimPayment
	fp := newFingerprint(rem, rem.Stream.claims)
	err := read835(r, func(_ *Remittance, c *ClaimPayment) error {
		if set < k {
			if c == nil {
				set++
			}
			return nil
		}
		if c != nil {
			fp.claim(c)
			batch = append(batch, c)
			n++
			if len(batch) < size {
				return nil
			}
		}
		if len(batch) > 0 {
			if err := fn(first, batch); err != nil {
				return err
			}
			first, batch = n, nil
		}
		if c != nil {
			return nil
		}
		if n != rem.Stream.claims || fp.sum(rem) != rem.Stream.fingerprint {
			return fmt.Errorf("835 %s changed while it was being posted; nothing was posted", rem.Trace)
		}
		return errStop
	})
	if errors.Is(err, errStop) {
		return nil
	}
	if err == nil {
		return fmt.Errorf("835 %s changed while it was being posted; nothing was posted", rem.Trace)
	}
	return err
}
