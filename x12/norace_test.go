//go:build !race

package x12

const raceEnabled = false
