//go:build unix

package explain

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time this process has used: on a shared, loaded
// machine, lines per CPU-second say more than lines per wall-clock second.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
