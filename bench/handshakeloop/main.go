// Command handshakeloop is the yardstick of bench/scan.sh: a plain Go
// crypto/tls client that completes one verified handshake per name of a
// target list, C at a time, through one address, and prints the rate. It
// does what 'scan --mode cert' does on the wire (same curves, same reset
// close) and nothing else.
//
//	go run ./bench/handshakeloop -targets names.txt -addr 127.0.0.1:PORT -ca root.pem -c 64
package main

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log"
	"net"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

func main() {
	// -targets FILE (fleetserver's names.txt) -addr ADDR (loopback) -ca ROOT.pem -c N,
	// as -name value pairs (only the CLI uses package flag).
	opt := map[string]string{"targets": "", "addr": "", "ca": "", "c": "64"}
	for a := os.Args[1:]; len(a) >= 2; a = a[2:] {
		k := strings.TrimLeft(a[0], "-")
		if _, ok := opt[k]; !ok {
			log.Fatalf("unknown option %s", a[0])
		}
		opt[k] = a[1]
	}
	targets, addr, caFile, c := new(string), new(string), new(string), new(int)
	*targets, *addr, *caFile = opt["targets"], opt["addr"], opt["ca"]
	fmt.Sscan(opt["c"], c)
	if h, _, err := net.SplitHostPort(*addr); err != nil || !net.ParseIP(h).IsLoopback() {
		log.Fatalf("handshakeloop dials loopback only, not %q", *addr)
	}
	pemData, err := os.ReadFile(*caFile)
	if err != nil {
		log.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pemData)
	f, err := os.Open(*targets)
	if err != nil {
		log.Fatal(err)
	}
	var names []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if u, err := url.Parse(sc.Text()); err == nil && u.Hostname() != "" {
			names = append(names, u.Hostname())
		}
	}
	var next, fails atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range *c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if int(i) >= len(names) {
					return
				}
				if err := handshake(*addr, names[i], pool); err != nil {
					fails.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	el := time.Since(start)
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	fmt.Printf("handshakes=%d fails=%d c=%d wall=%.3fs rate=%.0f/s cpu_per_handshake=%dus\n",
		len(names), fails.Load(), *c, el.Seconds(), float64(len(names))/el.Seconds(), cpu.Microseconds()/int64(max(len(names), 1)))
}

func handshake(addr, name string, pool *x509.CertPool) error {
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return err
	}
	defer func() {
		conn.(*net.TCPConn).SetLinger(0)
		conn.Close()
	}()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	tc := tls.Client(conn, &tls.Config{ServerName: name, RootCAs: pool, MinVersion: tls.VersionTLS12,
		CurvePreferences: []tls.CurveID{tls.X25519, tls.CurveP256, tls.CurveP384}})
	return tc.Handshake()
}
