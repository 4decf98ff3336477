// Command fleetserver serves a loopback fleet for benchmarks and for trying
// 'tlsdoctor scan' on many names: one TLS listener answering for N SNI
// names, each with its own certificate (ECDSA P-256, under a throwaway root
// and intermediate). It writes root.pem, names.txt (one https:// target a
// line) and addr to DIR, then serves until interrupted.
//
//	go run ./bench/fleetserver -names 10000 -dir /tmp/fleet
//	tlsdoctor scan --targets /tmp/fleet/names.txt --connect $(cat /tmp/fleet/addr) \
//	    --ca-bundle /tmp/fleet/root.pem --no-system-roots --mode cert
package main

import (
	"crypto/tls"
	"fmt"
	"log"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/tlsdoctor/tlsdoctor/lab/pki"
)

func main() {
	// Options as -name value pairs (only the CLI uses package flag).
	opt := options(map[string]string{"names": "2000", "dir": "", "listen": "127.0.0.1:0", "expired": "0"})
	names, dir, listen, expired := new(int), new(string), new(string), new(int)
	fmt.Sscan(opt["names"], names)
	fmt.Sscan(opt["expired"], expired)
	*dir, *listen = opt["dir"], opt["listen"]
	if *dir == "" || *names < 1 {
		fmt.Fprintln(os.Stderr, "usage: fleetserver -dir DIR [-names N] [-listen 127.0.0.1:PORT] [-expired N]")
		os.Exit(2)
	}
	if h, _, err := net.SplitHostPort(*listen); err != nil || !net.ParseIP(h).IsLoopback() {
		log.Fatalf("fleetserver listens on loopback only, not %q", *listen)
	}
	root, err := pki.NewRoot(pki.Spec{CN: "tlsdoctor Fleet Root CA"})
	check(err)
	inter, err := root.Intermediate(pki.Spec{CN: "tlsdoctor Fleet Intermediate CA"})
	check(err)
	certs := make(map[string]*tls.Certificate, *names)
	var list strings.Builder
	ln, err := net.Listen("tcp", *listen)
	check(err)
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	for i := range *names {
		name := fmt.Sprintf("h%05d.fleet.test", i)
		spec := pki.Spec{DNS: []string{name}, CN: name}
		if *expired > 0 && i%*expired == *expired-1 {
			spec.NotBefore, spec.NotAfter = pkiPast()
		}
		l, err := inter.Leaf(spec, root.Cert)
		check(err)
		c := l.TLS(inter.Cert)
		certs[name] = &c
		fmt.Fprintf(&list, "https://%s:%s/\n", name, port)
	}
	check(os.MkdirAll(*dir, 0o755))
	check(os.WriteFile(filepath.Join(*dir, "root.pem"), pki.PEM(root.Cert), 0o644))
	check(os.WriteFile(filepath.Join(*dir, "names.txt"), []byte(list.String()), 0o644))
	check(os.WriteFile(filepath.Join(*dir, "addr"), []byte(ln.Addr().String()+"\n"), 0o644))
	first := certs["h00000.fleet.test"]
	cfg := &tls.Config{GetCertificate: func(hi *tls.ClientHelloInfo) (*tls.Certificate, error) {
		if c, ok := certs[hi.ServerName]; ok {
			return c, nil
		}
		return first, nil
	}}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go serve(c, cfg)
		}
	}()
	fmt.Printf("fleetserver: %d names on %s; files in %s\n", *names, ln.Addr(), *dir)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	ln.Close()
}

// serve completes the handshake, answers one HTTP request if one comes, and
// closes.
func serve(c net.Conn, cfg *tls.Config) {
	defer c.Close()
	tc := tls.Server(c, cfg)
	if err := tc.Handshake(); err != nil {
		return
	}
	buf := make([]byte, 4096)
	if n, _ := tc.Read(buf); n > 0 {
		tc.Write([]byte("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n"))
	}
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

// pkiPast is the validity of an expired certificate: last year to yesterday.
func pkiPast() (time.Time, time.Time) {
	now := time.Now()
	return now.Add(-400 * 24 * time.Hour), now.Add(-24 * time.Hour)
}

// options reads -name value pairs over the defaults; an unknown name stops
// the program.
func options(defaults map[string]string) map[string]string {
	args := os.Args[1:]
	for len(args) >= 2 {
		k := strings.TrimLeft(args[0], "-")
		if _, ok := defaults[k]; !ok {
			log.Fatalf("unknown option %s", args[0])
		}
		defaults[k] = args[1]
		args = args[2:]
	}
	if len(args) > 0 {
		log.Fatalf("option %s has no value", args[0])
	}
	return defaults
}
