package realclient

// All lists every client the harness knows, installed or not (see
// Client.Missing), in the order of docs/conformance.md.
func All() []*Client {
	cs := []*Client{opensslClient(), curlClient(), wgetClient(), gnutlsClient(), pythonSSLClient(), pythonRequestsClient(), nodeClient()}
	cs = append(cs, javaClients()...)
	cs = append(cs, goClient(),
		nginxClient(false, false), nginxClient(false, true), nginxClient(true, false), nginxClient(true, true),
		haproxyClient(), chromiumClient())
	return cs
}
