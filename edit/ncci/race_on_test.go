//go:build race

package ncci

const raceEnabled = true
