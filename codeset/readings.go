package codeset

// Readings returns the content words of a phrase as typed and with the
// search's abbreviation and lay-term rewrites applied, so that a caller
// (the note reader of package suggest) can tell which words of a phrase a
// hit's description accounts for.
func Readings(text string) [][]string { return queryVariants(text) }

// Terms returns the stemmed content words of s, as the search compares them.
func Terms(s string) []string { return terms(s) }
