package inventory

import (
	"fmt"
	"strings"
)

// Envoy: a static configuration (static_resources.clusters). A cluster
// whose transport_socket carries an UpstreamTlsContext is checked at each
// endpoint of its load_assignment as the envoy profile: SNI only when
// 'sni' is set; verification only with a validation_context whose
// trusted_ca is given (those CAs alone are trusted), and the name checked
// only against the configured subject-alt-name matchers; tls_params limit
// versions and suites.

var (
	upstreamTLSKeys = []string{"@type", "sni", "common_tls_context", "allow_renegotiation", "max_session_keys", "auto_host_sni", "auto_sni_san_validation", "enforce_rsa_key_usage"}
	commonTLSKeys   = []string{"tls_params", "tls_certificates", "tls_certificate_sds_secret_configs", "validation_context", "validation_context_sds_secret_config", "combined_validation_context", "alpn_protocols", "tls_certificate_provider_instance", "custom_handshaker", "key_log"}
	validationKeys  = []string{"trusted_ca", "match_subject_alt_names", "match_typed_subject_alt_names", "verify_certificate_spki", "verify_certificate_hash", "crl", "allow_expired_certificate", "trust_chain_verification", "only_verify_leaf_cert_crl", "max_verify_depth", "custom_validator_config", "system_root_certs", "ca_certificate_provider_instance", "watched_directory"}
	tlsParamsKeys   = []string{"tls_minimum_protocol_version", "tls_maximum_protocol_version", "cipher_suites", "ecdh_curves", "signature_algorithms", "compliance_policies"}
)

var envoyVersions = map[string]uint16{"TLSv1_0": 0x0301, "TLSv1_1": 0x0302, "TLSv1_2": 0x0303, "TLSv1_3": 0x0304}

func (r *reader) envoy(d *node) {
	for _, c := range d.get("static_resources").get("clusters").items() {
		name := c.get("name").str()
		ts := c.get("transport_socket")
		if ts == nil {
			continue
		}
		tc := ts.get("typed_config")
		if !strings.HasSuffix(tc.get("@type").str(), "UpstreamTlsContext") {
			continue
		}
		where := "cluster " + name
		r.unknownKeys(tc, "the UpstreamTlsContext of "+where, upstreamTLSKeys...)
		common := tc.get("common_tls_context")
		r.unknownKeys(common, "common_tls_context of "+where, commonTLSKeys...)
		vc := common.get("validation_context")
		if cvc := common.get("combined_validation_context"); cvc != nil {
			vc = cvc.get("default_validation_context")
		}
		r.unknownKeys(vc, "validation_context of "+where, validationKeys...)
		params := common.get("tls_params")
		r.unknownKeys(params, "tls_params of "+where, tlsParamsKeys...)

		base := Target{Profile: "envoy", Gateway: "envoy", Where: where}
		if sni := strings.ToLower(tc.get("sni").str()); sni != "" {
			base.ServerName, base.SNI = sni, boolPtr(true)
			base.Settings = append(base.Settings, "sni: "+sni)
		}
		if tc.get("auto_host_sni").isTrue() {
			r.warn(tc.get("auto_host_sni").line, tc.get("auto_host_sni").col, "%s: auto_host_sni sends the request's Host as SNI: checked with the endpoint's name", where)
			base.SNI = boolPtr(true)
		}
		if ca := vc.get("trusted_ca"); ca != nil {
			base.Verify, base.OnlyCAs = boolPtr(true), true
			base.Settings = append(base.Settings, "validation_context.trusted_ca")
			switch {
			case ca.get("filename").str() != "":
				base.CAFiles = []string{relTo(r.file, ca.get("filename").str())}
			case ca.get("inline_string").str() != "":
				base.CAPEM = []byte(ca.get("inline_string").str())
			default:
				l, c := ca.pos()
				r.warn(l, c, "%s: trusted_ca is neither a filename nor an inline_string: give it with --ca-bundle", where)
			}
			san := ""
			for _, m := range vc.get("match_typed_subject_alt_names").items() {
				if s := m.get("matcher").get("exact").str(); s != "" && san == "" {
					san = strings.ToLower(s)
				}
			}
			for _, m := range vc.get("match_subject_alt_names").items() {
				if s := m.get("exact").str(); s != "" && san == "" {
					san = strings.ToLower(s)
				}
			}
			base.CheckName = boolPtr(san != "")
			var depth int
			if fmt.Sscan(vc.get("max_verify_depth").str(), &depth); depth > 0 {
				base.VerifyDepth = depth - 1 // Envoy counts the anchor, not the leaf
			}
			if san != "" && base.ServerName == "" {
				base.ServerName = san
			}
			if san != "" {
				base.Settings = append(base.Settings, "subject alt name matcher: "+san)
			}
		}
		if params != nil {
			lo, hi := envoyVersions[params.get("tls_minimum_protocol_version").str()], envoyVersions[params.get("tls_maximum_protocol_version").str()]
			if lo == 0 {
				lo = 0x0303
			}
			if hi == 0 {
				hi = 0x0303 // Envoy's client default
			}
			if hi >= lo {
				for v := lo; v <= hi; v++ {
					base.Versions = append(base.Versions, v)
				}
				base.Settings = append(base.Settings, fmt.Sprintf("tls_params versions %#04x-%#04x", lo, hi))
			}
			var suites []string
			for _, s := range params.get("cipher_suites").items() {
				for _, x := range strings.Split(strings.Trim(s.str(), "[]"), "|") {
					if x = strings.TrimSpace(x); x != "" {
						suites = append(suites, x)
					}
				}
			}
			if len(suites) > 0 {
				base.Ciphers = strings.Join(suites, ":")
			}
		}
		for _, ep := range c.get("load_assignment").get("endpoints").items() {
			for _, lb := range ep.get("lb_endpoints").items() {
				sa := lb.get("endpoint").get("address").get("socket_address")
				addr, port := sa.get("address"), sa.get("port_value").str()
				if addr.str() == "" || port == "" {
					continue
				}
				line, col := addr.pos()
				host := addr.str()
				if strings.Contains(host, ":") {
					host = "[" + host + "]"
				}
				input, ok := r.httpsTarget("https://"+host+":"+port+"/", line, col, where+" endpoint")
				if !ok {
					continue
				}
				t := base
				t.Input = input
				t.Source = Source{File: r.file, Line: line, Col: col}
				r.add(t)
			}
		}
	}
}
