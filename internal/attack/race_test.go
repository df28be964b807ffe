//go:build race

package attack_test

// raceEnabled shrinks the largest matrices under the race detector, which
// slows every request by an order of magnitude (see injectionInQueries).
const raceEnabled = true
