package realclient

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"strings"
	"time"
)

// goClient is net/http with crypto/tls's defaults, in this process: the
// lab root as RootCAs, and a dialer that connects to the target's address
// whatever the name, so that SNI and the name checked are the lab name.
func goClient() *Client {
	return &Client{ID: "go", Stack: "go", Name: "Go net/http (crypto/tls defaults)", Profile: "go",
		Version: func(context.Context) (string, error) { return runtime.Version(), nil },
		Run: func(ctx context.Context, env *Env, ts []Target) ([]Result, error) {
			pem, err := os.ReadFile(env.RootFile)
			if err != nil {
				return nil, err
			}
			roots := x509.NewCertPool()
			if !roots.AppendCertsFromPEM(pem) {
				return nil, io.ErrUnexpectedEOF
			}
			return each(ts, 4, func(t Target) Result {
				env := env.For(t)
				// As http.DefaultTransport, with the lab root and the address;
				// the application's time-out is the client's.
				tr := http.DefaultTransport.(*http.Transport).Clone()
				tr.TLSClientConfig = &tls.Config{RootCAs: roots}
				tr.Proxy = nil
				d := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
				tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
					return d.DialContext(ctx, network, t.Addr())
				}
				tr.DisableKeepAlives = true
				defer tr.CloseIdleConnections()
				c := &http.Client{Transport: tr, Timeout: env.Timeout}
				req, err := http.NewRequestWithContext(ctx, http.MethodGet, t.URL(), nil)
				if err != nil {
					return Result{Message: "(" + err.Error() + ")"}
				}
				resp, err := c.Do(req)
				if err != nil {
					return Result{Message: err.Error(), Own: true}
				}
				defer resp.Body.Close()
				body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
				if err != nil {
					return Result{Message: err.Error(), Own: true}
				}
				if resp.StatusCode == http.StatusOK && strings.Contains(string(body), okBody) {
					return Result{Works: true}
				}
				return Result{Message: "(HTTP " + resp.Status + ")"}
			}), nil
		}}
}
