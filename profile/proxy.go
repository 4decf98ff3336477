package profile

// ProxyPolicy is how a client finds the HTTP proxy for an https:// URL.
type ProxyPolicy struct {
	// Env lists the environment variables the client reads for an https://
	// target, the first set one winning; empty when it reads none.
	Env []string `json:"env,omitempty"`
	// NoProxy lists the variables that exempt hosts, first set one winning.
	NoProxy []string `json:"no_proxy,omitempty"`
	// CIDR: NO_PROXY entries may be address blocks (10.0.0.0/8).
	CIDR bool `json:"cidr,omitempty"`
	// Loopback says when the client never proxies localhost and loopback
	// addresses: "env" (only a proxy from the environment), "always", or "".
	Loopback string `json:"loopback,omitempty"`
	// Configure says how this client is given a proxy (besides Env).
	Configure string `json:"configure,omitempty"`
	// Cannot: the client cannot send its requests through an HTTP proxy.
	Cannot bool `json:"cannot,omitempty"`
	// Sources name §26 of docs/client-profiles.md and what was read.
	Sources     []string `json:"sources"`
	Unconfirmed []string `json:"unconfirmed,omitempty"`
}

const srcProxy = "§26 proxies by client"

var (
	curlProxy = ProxyPolicy{
		Env: []string{"https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"}, NoProxy: []string{"no_proxy", "NO_PROXY"}, CIDR: true,
		Configure: "-x / --proxy URL, or https_proxy=URL in the environment",
		Sources:   []string{srcProxy, "curl 7.88.1 manual, ENVIRONMENT (read here: curl --manual)"},
	}
	goProxy = ProxyPolicy{
		Env: []string{"HTTPS_PROXY", "https_proxy"}, NoProxy: []string{"NO_PROXY", "no_proxy"}, CIDR: true, Loopback: "env",
		Configure: "http.Transport{Proxy: http.ProxyFromEnvironment} (net/http's default) or http.ProxyURL(u)",
		Sources:   []string{srcProxy, "golang.org/x/net/http/httpproxy (read here: Go 1.26 vendor tree)"},
	}
	pythonProxy = ProxyPolicy{
		Env: []string{"https_proxy", "HTTPS_PROXY"}, NoProxy: []string{"no_proxy", "NO_PROXY"}, CIDR: true,
		Configure:   "proxies={'https': URL} or https_proxy=URL in the environment (requests reads it unless trust_env is False)",
		Sources:     []string{srcProxy, "CPython urllib.request.getproxies_environment and proxy_bypass_environment (read here: Python 3.11)"},
		Unconfirmed: []string{"CIDR entries in NO_PROXY are requests' own addition (requests.utils.should_bypass_proxies), not read here"},
	}
	javaProxy = ProxyPolicy{
		Loopback:  "always",
		Configure: "-Dhttps.proxyHost=HOST -Dhttps.proxyPort=PORT (exemptions: -Dhttp.nonProxyHosts, default localhost|127.*|[::1])",
		Sources:   []string{srcProxy, "OpenJDK 17 conf/net.properties (read here)"},
	}
	noProxy = func(how string) ProxyPolicy {
		return ProxyPolicy{Configure: how, Sources: []string{srcProxy}}
	}
	cannotProxy = func(why string) ProxyPolicy {
		return ProxyPolicy{Cannot: true, Configure: why, Sources: []string{srcProxy}}
	}
)

// proxyPolicies holds each profile's proxy policy, by profile ID.
var proxyPolicies = map[string]ProxyPolicy{
	"default":         curlProxy,
	"go":              goProxy,
	"openssl":         noProxy("openssl s_client -proxy HOST:PORT (-proxy_user, -proxy_pass); the library reads no environment"),
	"curl":            curlProxy,
	"python-requests": pythonProxy,
	"python":          noProxy("urllib.request reads https_proxy/HTTPS_PROXY and no_proxy (its ProxyHandler); ssl and http.client read no environment"),
	"gnutls":          noProxy("gnutls-cli has no proxy support"),
	"wget":            noProxy("wget reads https_proxy and no_proxy (or -e use_proxy=on); not modelled here"),
	"node": {
		Configure:   "an agent (https-proxy-agent, undici's ProxyAgent); Node 24+ reads HTTPS_PROXY only with NODE_USE_ENV_PROXY=1",
		Sources:     []string{srcProxy},
		Unconfirmed: []string{"NODE_USE_ENV_PROXY (Node 24+) is not modelled; this profile is Node 20, which reads no proxy variable"},
	},
	"dotnet": {
		Env: []string{"https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"}, NoProxy: []string{"no_proxy", "NO_PROXY"},
		Configure:   "HttpClient.DefaultProxy, HttpClientHandler.Proxy, or https_proxy in the environment (Linux)",
		Sources:     []string{srcProxy},
		Unconfirmed: []string{"the variables .NET reads on Linux and their precedence"},
	},
	"java-6": javaProxy, "java-7": javaProxy, "java-8": javaProxy, "java-11": javaProxy, "java-17": javaProxy, "java-21": javaProxy,
	"android-4.4": noProxy("the system proxy of the Wi-Fi network, or an app's own Proxy"),
	"android-7":   noProxy("the system proxy of the Wi-Fi network, or an app's own Proxy"),
	"chrome": {
		Configure:   "the system proxy settings or --proxy-server=URL",
		Sources:     []string{srcProxy},
		Unconfirmed: []string{"on Linux without a desktop environment Chrome reads the proxy variables; not modelled"},
	},
	"firefox":                    noProxy("Settings > Network Settings (manual proxy, PAC, or system settings)"),
	"safari":                     noProxy("the system proxy settings"),
	"nginx-proxy":                cannotProxy("nginx's proxy_pass connects to the upstream itself; it cannot tunnel through an HTTP proxy"),
	"nginx-proxy-verify":         cannotProxy("nginx's proxy_pass connects to the upstream itself; it cannot tunnel through an HTTP proxy"),
	"envoy":                      noProxy("a cluster with HTTP CONNECT upstream tunnelling (tunneling_config); Envoy reads no proxy variable"),
	"haproxy":                    cannotProxy("HAProxy connects to its servers itself; it cannot tunnel through an HTTP proxy"),
	"aws-apigw-rest":             cannotProxy("the gateway connects from AWS's network; no proxy can be configured"),
	"aws-apigw-rest-skip-verify": cannotProxy("the gateway connects from AWS's network; no proxy can be configured"),
	"aws-apigw-http":             cannotProxy("the gateway connects from AWS's network; no proxy can be configured"),
	"oci-apigw":                  cannotProxy("the gateway connects from OCI's network; no proxy can be configured"),
	"azure-appgw-v2":             cannotProxy("the gateway connects from Azure's network; no proxy can be configured"),
	"curl-windows":               curlProxy,
}
