package rcm

import (
	"math/rand/v2"
	"sync"
	"time"
)

// Clock tells the time. Services take one instead of calling time.Now, so a
// demo or test with a fixed clock is repeatable.
type Clock interface {
	Now() time.Time
}

// SystemClock is the wall clock.
type SystemClock struct{}

// Now returns the current time.
func (SystemClock) Now() time.Time { return time.Now() }

// StepClock starts at a fixed instant and moves forward by Step on every
// call: deterministic, yet every event still gets a distinct time.
type StepClock struct {
	mu   sync.Mutex
	t    time.Time
	Step time.Duration
}

// NewStepClock returns a StepClock starting at start, stepping one second.
func NewStepClock(start time.Time) *StepClock {
	return &StepClock{t: start, Step: time.Second}
}

// Now returns the current instant and advances the clock.
func (c *StepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.t
	c.t = c.t.Add(c.Step)
	return t
}

// NewRand returns a seeded random source, so the same seed gives the same
// demo and the same test data.
func NewRand(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}
