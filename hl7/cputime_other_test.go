//go:build !unix

package hl7_test

import "time"

// processCPU is unknown off unix; the benchmark then reports zero.
func processCPU() time.Duration { return 0 }
