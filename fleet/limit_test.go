package fleet

import (
	"context"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// countingDialer hands out in-memory connections and records how many are
// open at once per address.
type countingDialer struct {
	mu       sync.Mutex
	open     map[string]int
	maxOpen  map[string]int
	dialling atomic.Int64
}

func (d *countingDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	d.mu.Lock()
	d.open[addr]++
	d.maxOpen[addr] = max(d.maxOpen[addr], d.open[addr])
	d.mu.Unlock()
	c, s := net.Pipe()
	go func() { s.Read(make([]byte, 1)); s.Close() }()
	return &closeHook{Conn: c, f: func() { d.mu.Lock(); d.open[addr]--; d.mu.Unlock() }}, nil
}

type closeHook struct {
	net.Conn
	f    func()
	once sync.Once
}

func (c *closeHook) Close() error { c.once.Do(c.f); return c.Conn.Close() }

// No more than PerAddress connections are open at once to one address,
// however many targets want one; other addresses are not held up.
func TestPerAddressLimit(t *testing.T) {
	base := &countingDialer{open: map[string]int{}, maxOpen: map[string]int{}}
	l := newLimiter(3, 0)
	d := l.dialer(base)
	var wg sync.WaitGroup
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			addr := "10.0.0.1:443"
			if i%10 == 0 {
				addr = "10.0.0.2:443"
			}
			c, err := d.DialContext(context.Background(), "tcp", addr)
			if err != nil {
				t.Error(err)
				return
			}
			time.Sleep(time.Millisecond) // hold it a little, so that dials overlap
			c.Close()
		}()
	}
	wg.Wait()
	if m := base.maxOpen["10.0.0.1:443"]; m < 1 || m > 3 {
		t.Errorf("%d connections open at once, want 1 to 3", m)
	}
	if m := base.maxOpen["10.0.0.2:443"]; m < 1 || m > 3 {
		t.Errorf("the other address: %d at once", m)
	}
	if len(l.addrs) != 0 {
		t.Errorf("the limiter still holds %d addresses", len(l.addrs))
	}
}

// A waiter whose context ends gives up its place and takes no slot.
func TestPerAddressLimitCancel(t *testing.T) {
	l := newLimiter(1, 0)
	if err := l.acquire(context.Background(), "a"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := l.acquire(ctx, "a"); err == nil {
		t.Fatal("acquired a full address with a cancelled context")
	}
	l.release("a")
	if len(l.addrs) != 0 {
		t.Errorf("%d addresses held", len(l.addrs))
	}
}

// The rate spaces connections 1/rate apart, on an injected clock.
func TestRate(t *testing.T) {
	now := time.Unix(1000, 0)
	var waits []time.Duration
	l := newLimiter(0, 4)
	l.now = func() time.Time { return now }
	l.sleep = func(ctx context.Context, d time.Duration) error { waits = append(waits, d); return nil }
	for range 5 {
		l.waitRate(context.Background())
	}
	want := []time.Duration{250 * time.Millisecond, 500 * time.Millisecond, 750 * time.Millisecond, time.Second}
	if len(waits) != len(want) {
		t.Fatalf("waits %v", waits)
	}
	for i := range want {
		if waits[i] != want[i] {
			t.Errorf("wait %d: %v, want %v", i, waits[i], want[i])
		}
	}
	// After a quiet spell the next connection goes at once.
	now = now.Add(time.Hour)
	waits = nil
	l.waitRate(context.Background())
	if len(waits) != 0 {
		t.Errorf("waited %v after a quiet hour", waits)
	}
}
