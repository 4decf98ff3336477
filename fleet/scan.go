package fleet

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/diagnose"
	"github.com/tlsdoctor/tlsdoctor/evidence"
	"github.com/tlsdoctor/tlsdoctor/probe"
	"github.com/tlsdoctor/tlsdoctor/profile"
)

// Mode is how much a scan checks per target.
type Mode string

const (
	// ModeCert makes one handshake per address, limited to the profile's
	// offer, and judges the chain, names, expiry, version and suite. A
	// target whose verdict is not a proved OK is checked again in full
	// (without HTTP), so every failure gets the cause 'check' would give.
	ModeCert Mode = "cert"
	// ModeCheck is the full 'check' of each target.
	ModeCheck Mode = "check"
	// ModeFull is 'check --server --clients' of each target.
	ModeFull Mode = "full"
)

// Defaults of ScanOptions.
const (
	DefaultConcurrency = 64
	DefaultPerAddress  = 16
	DefaultTargetTime  = 60 * time.Second
)

// Job is one target of a scan, with the options to probe it with (the
// profile is required). Meta is carried to the Result untouched.
type Job struct {
	Target  evidence.Target
	Options probe.Options
	Meta    any
}

// Result is the verdict on one job.
type Result struct {
	Job       *Job
	Diagnosis *diagnose.Diagnosis    // ModeCert, ModeCheck
	Clients   *diagnose.ClientMatrix // ModeFull
	// FastPath is true when ModeCert decided from its one handshake.
	FastPath bool
	Duration time.Duration
	Err      error // unusable options; the job has no verdict
}

// Failed reports whether the target fails for its client (ModeFull: for
// any client).
func (r *Result) Failed() bool {
	switch {
	case r.Err != nil:
		return true
	case r.Clients != nil:
		return r.Clients.Failing() > 0
	case r.Diagnosis != nil:
		return r.Diagnosis.Cause.Failed()
	}
	return true
}

// ScanOptions say how a scan runs.
type ScanOptions struct {
	Mode        Mode
	Concurrency int // targets at once (DefaultConcurrency)
	// PerAddress bounds the connections open at once to one address
	// (DefaultPerAddress); negative means no bound.
	PerAddress int
	// Rate bounds new connections a second, all targets together (0: none).
	Rate float64
	// TargetTime bounds the time spent on one target (DefaultTargetTime).
	TargetTime time.Duration
	Trust      Trust
	// Clients are the client profiles ModeFull judges (all when empty).
	Clients []*profile.Profile
}

// Scan checks every job received from jobs until it is closed (or ctx is
// done) and calls emit once per job, from one goroutine at a time, as
// results arrive. Nothing is kept per job after emit returns. A job still
// being checked when ctx ends (an interrupted scan) is not emitted: what
// was cut short is no verdict, and a resumed scan checks it again.
func Scan(ctx context.Context, jobs <-chan *Job, o ScanOptions, emit func(*Result)) {
	if o.Mode == "" {
		o.Mode = ModeCheck
	}
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultConcurrency
	}
	if o.PerAddress == 0 {
		o.PerAddress = DefaultPerAddress
	}
	if o.TargetTime <= 0 {
		o.TargetTime = DefaultTargetTime
	}
	lim := newLimiter(o.PerAddress, o.Rate)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range o.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				var j *Job
				select {
				case <-ctx.Done():
					return
				case x, ok := <-jobs:
					if !ok {
						return
					}
					j = x
				}
				r := scanOne(ctx, j, o, lim)
				if ctx.Err() != nil {
					return
				}
				mu.Lock()
				emit(r)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
}

func scanOne(ctx context.Context, j *Job, o ScanOptions, lim *limiter) *Result {
	start := time.Now()
	r := &Result{Job: j}
	defer func() { r.Duration = time.Since(start) }()
	tctx, cancel := context.WithTimeout(ctx, o.TargetTime)
	defer cancel()
	opts := j.Options
	opts.Progress = nil
	opts.Dialer = lim.dialer(opts.Dialer)
	if opts.Profile == nil {
		r.Err = errors.New("fleet: no profile")
		return r
	}
	switch o.Mode {
	case ModeFull:
		opts.Server = true
		r.Clients = ClientsOf(tctx, j.Target, opts, o.Trust, o.Clients)
	case ModeCert:
		opts.NoHTTP = true
		if opts.Revocation {
			// Revocation is observed by the full check only.
			_, r.Diagnosis, r.Err = Check(tctx, j.Target, opts, o.Trust)
			return r
		}
		if run, err := probe.Cert(tctx, j.Target, opts); err == nil {
			d := Diagnose(run, opts.Profile, o.Trust)
			if d.Cause == cause.OK && d.Confidence == diagnose.Proved {
				r.Diagnosis, r.FastPath = d, true
				return r
			}
		} else if !errors.Is(err, probe.ErrNoFastPath) {
			r.Err = err
			return r
		}
		fallthrough
	default:
		_, r.Diagnosis, r.Err = Check(tctx, j.Target, opts, o.Trust)
	}
	return r
}
