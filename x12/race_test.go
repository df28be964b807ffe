//go:build race

package x12

// raceEnabled shrinks large tests under the race detector, which slows
// them by an order of magnitude.
const raceEnabled = true
