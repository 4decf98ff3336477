package evidence

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

// The fields for proxies, revocation and client certificates round-trip,
// and stay out of a run that has none.
func TestRunRoundTrip(t *testing.T) {
	full := &Run{SchemaVersion: SchemaVersion, Profile: "default", Started: time.Unix(1800000000, 0).UTC(),
		Target:           Target{Input: "https://api.test", Host: "api.test", Port: 443, ServerName: "api.test"},
		Proxy:            &Proxy{URL: "http://proxy:3128", Source: "HTTPS_PROXY", Auth: true, Used: true},
		Direct:           &Direct{Addr: "192.0.2.1:443", Handshake: &Handshake{OK: true, Certificates: [][]byte{{0x30}}}},
		Revocation:       []RevocationFetch{{Kind: "ocsp", URL: "http://ocsp.test", For: "CN=api.test", Serial: "1f", Response: []byte{0x30, 3}, Duration: time.Millisecond}},
		RevocationForced: true,
		ClientCert:       &ClientCert{Certificates: [][]byte{{0x30, 1}}, KeyMatches: true, Source: "client.pem"},
		Addresses: []Address{{Addr: "api.test:443",
			Proxy:     &ProxyConnect{Proxy: "proxy:3128", Request: "CONNECT api.test:443 HTTP/1.1", Stage: "connect", StatusCode: 407, Headers: []string{"Proxy-Authenticate: Basic"}, Err: &Failure{Kind: "proxy", Message: "407"}},
			Handshake: &Handshake{ClientCertSent: true, OCSPResponse: []byte{1}},
			Hello:     &Hello{Name: "profile", OCSPResponse: []byte{2}},
			Invented:  &Handshake{SNI: "tlsdoctor-x.invalid"}}},
	}
	b, err := json.Marshal(full)
	if err != nil {
		t.Fatal(err)
	}
	var back Run
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(full, &back) {
		t.Fatalf("round trip differs:\n%+v\n%+v", full, &back)
	}
	plain, _ := json.Marshal(&Run{SchemaVersion: SchemaVersion, Addresses: []Address{{Addr: "a:1", Handshake: &Handshake{}}}})
	for _, k := range []string{"proxy", "direct", "revocation", "client_cert", "invented_name_handshake", "ocsp_response", "client_cert_sent"} {
		if strings.Contains(string(plain), `"`+k+`"`) {
			t.Errorf("empty run carries %q: %s", k, plain)
		}
	}
}
