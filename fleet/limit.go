package fleet

import (
	"context"
	"net"
	"sync"
	"time"

	"github.com/tlsdoctor/tlsdoctor/probe"
)

// limiter keeps a scan polite: at most perAddr connections open at once to
// one address (ip:port), and at most rate new connections a second in all.
// Its state is one entry per address with connections open now, so it
// stays small however many targets pass through.
type limiter struct {
	perAddr int
	mu      sync.Mutex
	addrs   map[string]*addrSlot

	rate     float64
	rateMu   sync.Mutex
	nextSlot time.Time
	now      func() time.Time
	sleep    func(context.Context, time.Duration) error
}

type addrSlot struct {
	open    int
	waiters []chan struct{}
}

func newLimiter(perAddr int, rate float64) *limiter {
	return &limiter{perAddr: perAddr, rate: rate, addrs: map[string]*addrSlot{}, now: time.Now, sleep: sleepCtx}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// dialer wraps base so that its connections count against the limits.
func (l *limiter) dialer(base probe.Dialer) probe.Dialer {
	if base == nil {
		base = &net.Dialer{}
	}
	return &limitedDialer{l: l, base: base}
}

type limitedDialer struct {
	l    *limiter
	base probe.Dialer
}

func (d *limitedDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	if err := d.l.waitRate(ctx); err != nil {
		return nil, err
	}
	if err := d.l.acquire(ctx, addr); err != nil {
		return nil, err
	}
	c, err := d.base.DialContext(ctx, network, addr)
	if err != nil {
		d.l.release(addr)
		return nil, err
	}
	return &limitedConn{Conn: c, release: sync.OnceFunc(func() { d.l.release(addr) })}, nil
}

// waitRate waits for the next connection slot under the rate.
func (l *limiter) waitRate(ctx context.Context) error {
	if l.rate <= 0 {
		return nil
	}
	l.rateMu.Lock()
	now := l.now()
	slot := l.nextSlot
	if slot.Before(now) {
		slot = now
	}
	l.nextSlot = slot.Add(time.Duration(float64(time.Second) / l.rate))
	l.rateMu.Unlock()
	if wait := slot.Sub(now); wait > 0 {
		return l.sleep(ctx, wait)
	}
	return nil
}

func (l *limiter) acquire(ctx context.Context, addr string) error {
	if l.perAddr <= 0 {
		return nil
	}
	l.mu.Lock()
	s := l.addrs[addr]
	if s == nil {
		s = &addrSlot{}
		l.addrs[addr] = s
	}
	if s.open < l.perAddr {
		s.open++
		l.mu.Unlock()
		return nil
	}
	ch := make(chan struct{})
	s.waiters = append(s.waiters, ch)
	l.mu.Unlock()
	select {
	case <-ch: // the slot was handed over by release
		return nil
	case <-ctx.Done():
		l.mu.Lock()
		for i, w := range s.waiters {
			if w == ch {
				s.waiters = append(s.waiters[:i], s.waiters[i+1:]...)
				l.mu.Unlock()
				return ctx.Err()
			}
		}
		l.mu.Unlock()
		// Handed over meanwhile: give it back.
		l.release(addr)
		return ctx.Err()
	}
}

func (l *limiter) release(addr string) {
	if l.perAddr <= 0 {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.addrs[addr]
	if s == nil {
		return
	}
	if len(s.waiters) > 0 {
		ch := s.waiters[0]
		s.waiters = s.waiters[1:]
		close(ch) // the slot passes to the waiter; open stays the same
		return
	}
	s.open--
	if s.open <= 0 {
		delete(l.addrs, addr)
	}
}

// limitedConn releases its slot when closed. A scan closes every
// connection with a reset (SO_LINGER 0), as scanners do, so that tens of
// thousands of targets leave no TIME_WAIT sockets behind.
type limitedConn struct {
	net.Conn
	release func()
}

func (c *limitedConn) Close() error {
	if tc, ok := c.Conn.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	err := c.Conn.Close()
	c.release()
	return err
}

// SetLinger lets probe close with a reset through the wrapper.
func (c *limitedConn) SetLinger(sec int) error {
	if tc, ok := c.Conn.(*net.TCPConn); ok {
		return tc.SetLinger(sec)
	}
	return nil
}
