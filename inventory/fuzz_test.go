package inventory

import "testing"

// The JSON/YAML and HAProxy readers never panic, whatever they are given.
func FuzzConfig(f *testing.F) {
	for _, s := range []string{
		`{"data":{"specification":{"routes":[{"path":"/a","backend":{"type":"HTTP_BACKEND","url":"https://a.example/"}}]}}}`,
		"openapi: 3.0.1\npaths:\n  /a:\n    get:\n      x-amazon-apigateway-integration: {type: http, uri: 'https://a.example/'}\n",
		"apiVersion: v1\nkind: List\nitems: [{apiVersion: networking.k8s.io/v1, kind: Ingress, metadata: {name: a}}]\n",
		"static_resources:\n  clusters: [{name: c, transport_socket: {typed_config: {'@type': x.UpstreamTlsContext}}}]\n",
		"backend b\n  server s 10.0.0.1:443 ssl verify none\n",
		"a: &a [*a]\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := &reader{file: "fuzz"}
		r.structured(data)
		r.haproxy(data)
		for _, tg := range r.targets {
			_ = tg.Key()
		}
	})
}
