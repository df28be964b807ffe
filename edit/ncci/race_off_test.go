//go:build !race

package ncci

const raceEnabled = false
