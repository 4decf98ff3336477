//go:build !unix

package explain

import "time"

func cpuTime() time.Duration { return 0 }
