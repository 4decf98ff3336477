package realclient

import (
	"context"
	"fmt"
	"net"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/tlsdoctor/tlsdoctor/wire"
)

// Offer is what a client put in its first ClientHello.
type Offer struct {
	Versions     []uint16 `json:"versions"`
	CipherSuites []uint16 `json:"cipher_suites"`
	Groups       []uint16 `json:"groups"`
	KeyShares    []uint16 `json:"key_shares"`
	SigAlgs      []uint16 `json:"signature_algorithms"`
	SNI          string   `json:"sni,omitempty"`
}

// CaptureOffer points the client at a loopback listener that reads its
// first ClientHello and answers with a handshake_failure alert, and
// returns what the hello offered.
func CaptureOffer(ctx context.Context, env *Env, c *Client) (*Offer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	defer ln.Close()
	var once sync.Once
	got := make(chan *wire.ClientHello, 1)
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				conn.SetDeadline(time.Now().Add(env.kill()))
				rec, err := wire.ReadRecord(conn)
				if err != nil || rec.Type != wire.RecordHandshake || len(rec.Payload) < 4 {
					return
				}
				if ch, err := wire.ParseClientHello(rec.Payload); err == nil {
					once.Do(func() { got <- ch })
				}
				conn.Write(wire.MarshalRecord(wire.RecordAlert, wire.VersionTLS12, []byte{2, wire.AlertHandshakeFailure}))
			}()
		}
	}()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	t := Target{Endpoint: "hello-capture", Host: "hello-capture.tlsdoctor.test", IP: "127.0.0.1", Port: port}
	if _, err := c.Run(ctx, env, []Target{t}); err != nil {
		return nil, err
	}
	select {
	case ch := <-got:
		return offerOf(ch), nil
	default:
		return nil, fmt.Errorf("%s sent no ClientHello", c.ID)
	}
}

// isGREASE reports the reserved values clients send to keep servers
// tolerant (RFC 8701).
func isGREASE(v uint16) bool { return v&0x0f0f == 0x0a0a && v>>8 == v&0xff }

func offerOf(ch *wire.ClientHello) *Offer {
	clean := func(vs []uint16, drop ...uint16) []uint16 {
		var out []uint16
		for _, v := range vs {
			if !isGREASE(v) && !slices.Contains(drop, v) {
				out = append(out, v)
			}
		}
		return out
	}
	o := &Offer{SNI: ch.ServerName}
	if len(ch.SupportedVersions) > 0 {
		o.Versions = clean(ch.SupportedVersions)
	} else {
		o.Versions = []uint16{ch.Version}
	}
	o.CipherSuites = clean(ch.CipherSuites, 0x00ff, 0x5600) // the renegotiation and fallback signals
	o.Groups = clean(ch.SupportedGroups)
	for _, ks := range ch.KeyShares {
		if !isGREASE(ks.Group) {
			o.KeyShares = append(o.KeyShares, ks.Group)
		}
	}
	o.SigAlgs = clean(ch.SignatureAlgorithms)
	return o
}

// OfferDiff compares what a client offered with what a profile says it
// offers, field by field; empty when they are the same sets. Order is not
// compared.
func OfferDiff(got *Offer, versions, suites, groups, keyShares, sigs []uint16, sendsSNI bool) []string {
	var out []string
	cmp := func(field string, got, want []uint16, name func(uint16) string) {
		var extra, missing []string
		for _, g := range got {
			if !slices.Contains(want, g) {
				extra = append(extra, name(g))
			}
		}
		for _, w := range want {
			if !slices.Contains(got, w) {
				missing = append(missing, name(w))
			}
		}
		if len(extra) > 0 {
			out = append(out, fmt.Sprintf("%s: also offers %s", field, strings.Join(extra, ", ")))
		}
		if len(missing) > 0 {
			out = append(out, fmt.Sprintf("%s: does not offer %s", field, strings.Join(missing, ", ")))
		}
	}
	cmp("versions", got.Versions, versions, wire.VersionName)
	cmp("cipher suites", got.CipherSuites, suites, wire.SuiteName)
	cmp("groups", got.Groups, groups, wire.GroupName)
	cmp("key shares", got.KeyShares, keyShares, wire.GroupName)
	cmp("signature algorithms", got.SigAlgs, sigs, wire.SignatureName)
	if (got.SNI != "") != sendsSNI {
		if sendsSNI {
			out = append(out, "SNI: sends none")
		} else {
			out = append(out, "SNI: sends "+got.SNI)
		}
	}
	return out
}
