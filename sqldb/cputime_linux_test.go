package sqldb_test

import (
	"syscall"
	"time"
)

// processCPU returns the CPU time (user and system) of the whole process,
// every thread included: on a shared machine it shows the work done,
// which the wall clock mixes with the time spent waiting for a core.
func processCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
