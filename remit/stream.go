package remit

// ClaimStream is the claim payments of a remittance that stay in the
// file: what a first pass over the file learned about them, and how to
// read them again batch by batch.
type ClaimStream struct {
	claims      int
	fingerprint string
	balance     error
	batches     func(size int, fn func(first int, claims []*ClaimPayment) error) error
}
