package profile

import "github.com/tlsdoctor/tlsdoctor/cause"

// What the clients that run here log, as lab/realclient saw them print it
// against the lab (docs/conformance.md), with "..." for what varies and
// " | " between the lines a client may log for one cause. Lines that were
// not seen here come from docs/client-profiles.md and say so in the
// profile's DocumentedOnly.

// openssl s_client prints the function name between the colons
// ("SSL routines:ssl3_get_record:wrong version number"); libraries print it
// empty ("SSL routines::wrong version number"): "..." covers both.
var opensslLogs = map[cause.Code]string{
	cause.ChainIncomplete:         "verify error:num=20:unable to get local issuer certificate",
	cause.UntrustedRoot:           "verify error:num=20:unable to get local issuer certificate | verify error:num=19:self-signed certificate in certificate chain",
	cause.SelfSigned:              "verify error:num=18:self-signed certificate",
	cause.CertExpired:             "verify error:num=10:certificate has expired",
	cause.CertNotYetValid:         "verify error:num=9:certificate is not yet valid",
	cause.HostnameMismatch:        "verify error:num=62:hostname mismatch",
	cause.WeakKey:                 "verify error:num=66:EE certificate key too weak | error:0A00018A:SSL routines:...:dh key too small",
	cause.WeakSignature:           "verify error:num=68:CA signature digest algorithm too weak",
	cause.BadKeyUsage:             "verify error:num=26:unsuitable certificate purpose",
	cause.NotTLS:                  "error:0A00010B:SSL routines:...:wrong version number",
	cause.ProtocolVersionMismatch: "error:0A00014D:SSL routines:...:legacy sigalg disallowed or unsupported | error:0A00042E:SSL routines:...:tlsv1 alert protocol version | error:0A000102:SSL routines:...:unsupported protocol",
	cause.CipherMismatch:          "error:0A000410:SSL routines:...:sslv3 alert handshake failure",
	cause.ServerAlert:             "SSL routines:...:tlsv1 alert ...SSL alert number",
	cause.ClientCertRequired:      "error:0A00045C:SSL routines:...:tlsv13 alert certificate required | error:0A000410:SSL routines:...:sslv3 alert handshake failure",
	cause.KeyMismatch:             "error:0A00007B:SSL routines:...:bad signature",
	cause.ClosedDuringHandshake:   "error:0A000126:SSL routines:...:unexpected eof while reading",
	cause.ResetDuringHandshake:    ":errno=104 | errno=104",
	cause.TCPRefused:              "BIO_connect:Connection refused",
	cause.RenegotiationUnsafe:     "error:0A000152:SSL routines:...:unsafe legacy renegotiation disabled",
	cause.CertTooLarge:            "error:0A000098:SSL routines:...:excessive message size",
}

var curlLogs = map[cause.Code]string{
	cause.ChainIncomplete:         "curl: (60) SSL certificate problem: unable to get local issuer certificate",
	cause.UntrustedRoot:           "curl: (60) SSL certificate problem: unable to get local issuer certificate | curl: (60) SSL certificate problem: self-signed certificate in certificate chain",
	cause.SelfSigned:              "curl: (60) SSL certificate problem: self-signed certificate",
	cause.CertExpired:             "curl: (60) SSL certificate problem: certificate has expired",
	cause.CertNotYetValid:         "curl: (60) SSL certificate problem: certificate is not yet valid",
	cause.HostnameMismatch:        "curl: (60) SSL: no alternative certificate subject name matches target host name '<host>'",
	cause.WeakKey:                 "curl: (60) SSL certificate problem: EE certificate key too weak | curl: (35) ...error:0A00018A:SSL routines::dh key too small",
	cause.WeakSignature:           "curl: (60) SSL certificate problem: CA signature digest algorithm too weak",
	cause.BadKeyUsage:             "curl: (60) SSL certificate problem: unsuitable certificate purpose",
	cause.NotTLS:                  "curl: (35) ...error:0A00010B:SSL routines::wrong version number",
	cause.ResetDuringHandshake:    "curl: (35) Recv failure: Connection reset by peer | curl: (35) OpenSSL SSL_connect: Connection reset by peer",
	cause.ClosedDuringHandshake:   "curl: (35) OpenSSL SSL_connect: SSL_ERROR_SYSCALL in connection to <host>",
	cause.ServerAlert:             "curl: (35) ...SSL routines::tlsv1 alert ",
	cause.ProtocolVersionMismatch: "curl: (35) ...error:0A00014D:SSL routines::legacy sigalg disallowed or unsupported | curl: (35) ...error:0A00042E:SSL routines::tlsv1 alert protocol version",
	cause.CipherMismatch:          "curl: (35) ...error:0A000410:SSL routines::sslv3 alert handshake failure",
	cause.ClientCertRequired:      "curl: (56) OpenSSL SSL_read: ...error:0A00045C:SSL routines::tlsv13 alert certificate required | curl: (35) ...error:0A000410:SSL routines::sslv3 alert handshake failure",
	cause.KeyMismatch:             "curl: (35) ...error:0A00007B:SSL routines::bad signature",
	cause.TCPRefused:              "curl: (7) Failed to connect to <host> port <port> after ...: Couldn't connect to server",
	cause.TCPTimeout:              "curl: (28) Connection timed out after ... milliseconds",
	cause.HandshakeTimeout:        "curl: (28) Connection timed out after ... milliseconds | curl: (28) Operation timed out after ... milliseconds",
	cause.HTTPInvalidResponse:     "curl: (1) Received HTTP/0.9 when not allowed | curl: (56) Too large response headers",
	cause.DoubleTLS:               "curl: (1) Received HTTP/0.9 when not allowed",
	cause.HTTPNoResponse:          "curl: (52) Empty reply from server | curl: (56) Recv failure: Connection reset by peer",
	cause.RenegotiationUnsafe:     "curl: (35) ...error:0A000152:SSL routines::unsafe legacy renegotiation disabled",
	cause.CertTooLarge:            "curl: (35) ...error:0A000098:SSL routines::excessive message size",
}

// Python's ssl raises "ssl.SSLCertVerificationError: [SSL: ...] ..."; requests
// wraps the same text in "requests.exceptions.SSLError: HTTPSConnectionPool(...)
// (Caused by SSLError(SSLCertVerificationError(1, '[SSL: ...] ...')))".
var pythonLogs = map[cause.Code]string{
	cause.ChainIncomplete:         "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate",
	cause.UntrustedRoot:           "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate | [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate in certificate chain",
	cause.SelfSigned:              "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate",
	cause.CertExpired:             "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: certificate has expired",
	cause.CertNotYetValid:         "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: certificate is not yet valid",
	cause.HostnameMismatch:        "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: Hostname mismatch, certificate is not valid for '<host>'. | CertificateError(\"hostname '<host>' doesn't match ",
	cause.CNWithoutSAN:            "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: Hostname mismatch, certificate is not valid for '<host>'.",
	cause.WeakKey:                 "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: EE certificate key too weak | [SSL: DH_KEY_TOO_SMALL] dh key too small",
	cause.WeakSignature:           "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: CA signature digest algorithm too weak",
	cause.BadKeyUsage:             "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unsuitable certificate purpose",
	cause.NotTLS:                  "[SSL: WRONG_VERSION_NUMBER] wrong version number",
	cause.ProtocolVersionMismatch: "[SSL] legacy sigalg disallowed or unsupported | [SSL: TLSV1_ALERT_PROTOCOL_VERSION] tlsv1 alert protocol version",
	cause.CipherMismatch:          "[SSL: SSLV3_ALERT_HANDSHAKE_FAILURE] sslv3 alert handshake failure",
	cause.ServerAlert:             "[SSL: TLSV1_ALERT_",
	cause.ClientCertRequired:      "[SSL: TLSV13_ALERT_CERTIFICATE_REQUIRED] tlsv13 alert certificate required | [SSL: SSLV3_ALERT_HANDSHAKE_FAILURE] sslv3 alert handshake failure",
	cause.KeyMismatch:             "[SSL: BAD_SIGNATURE] bad signature",
	cause.ResetDuringHandshake:    "ConnectionResetError: [Errno 104] Connection reset by peer | ConnectionResetError(104, 'Connection reset by peer')",
	cause.ClosedDuringHandshake:   "TLS/SSL connection has been closed (EOF)",
	cause.TCPRefused:              "[Errno 111] Connection refused",
	cause.TCPTimeout:              "TimeoutError: timed out | ConnectTimeoutError(",
	cause.HandshakeTimeout:        "The handshake operation timed out | Read timed out.",
	cause.HTTPInvalidResponse:     "BadStatusLine( | HTTPException('got more than 100 headers')",
	cause.DoubleTLS:               "BadStatusLine(",
	cause.HTTPNoResponse:          "RemoteDisconnected('Remote end closed connection without response') | ConnectionResetError(104, 'Connection reset by peer')",
	cause.RenegotiationUnsafe:     "[SSL: UNSAFE_LEGACY_RENEGOTIATION_DISABLED] unsafe legacy renegotiation disabled",
	cause.CertTooLarge:            "[SSL: EXCESSIVE_MESSAGE_SIZE] excessive message size",
}

// Node.js: the error's string form, and its code, as an application logs
// them.
var nodeLogs = map[cause.Code]string{
	cause.ChainIncomplete:         "Error: unable to verify the first certificate (code UNABLE_TO_VERIFY_LEAF_SIGNATURE) | Error: unable to get local issuer certificate (code UNABLE_TO_GET_ISSUER_CERT_LOCALLY)",
	cause.UntrustedRoot:           "Error: unable to get local issuer certificate (code UNABLE_TO_GET_ISSUER_CERT_LOCALLY) | Error: self-signed certificate in certificate chain (code SELF_SIGNED_CERT_IN_CHAIN)",
	cause.SelfSigned:              "Error: self-signed certificate (code DEPTH_ZERO_SELF_SIGNED_CERT)",
	cause.CertExpired:             "Error: certificate has expired (code CERT_HAS_EXPIRED)",
	cause.CertNotYetValid:         "Error: certificate is not yet valid (code CERT_NOT_YET_VALID)",
	cause.HostnameMismatch:        "Error [ERR_TLS_CERT_ALTNAME_INVALID]: Hostname/IP does not match certificate's altnames",
	cause.WeakSignature:           "Error: CA signature digest algorithm too weak",
	cause.BadKeyUsage:             "Error: unsuitable certificate purpose (code INVALID_PURPOSE)",
	cause.NotTLS:                  "Error: write EPROTO ...:wrong version number",
	cause.ProtocolVersionMismatch: "Error: write EPROTO ...:tlsv1 alert protocol version",
	cause.CipherMismatch:          "Error: write EPROTO ...:sslv3 alert handshake failure",
	cause.ServerAlert:             "Error: write EPROTO ...SSL routines:...:tlsv1 alert ",
	cause.ClientCertRequired:      "Error: ...:tlsv13 alert certificate required | Error: write EPROTO ...:sslv3 alert handshake failure",
	cause.KeyMismatch:             "Error: write EPROTO ...:bad signature",
	cause.ResetDuringHandshake:    "Error: read ECONNRESET",
	cause.ClosedDuringHandshake:   "Error: Client network socket disconnected before secure TLS connection was established (code ECONNRESET)",
	cause.TCPRefused:              "Error: connect ECONNREFUSED ",
	cause.HTTPInvalidResponse:     "Error: Parse Error: ",
	cause.DoubleTLS:               "Error: Parse Error: ",
	cause.HTTPNoResponse:          "Error: socket hang up (code ECONNRESET) | Error: read ECONNRESET",
	cause.RenegotiationUnsafe:     "Error: write EPROTO ...:unsafe legacy renegotiation disabled",
	cause.CertTooLarge:            "Error: write EPROTO ...:excessive message size",
}

// JSSE: the exception as an application logs it (its toString). Java 17
// says "javax.net.ssl.SSLHandshakeException: No subject alternative DNS
// name ..."; Java 8 nests a java.security.cert.CertificateException with
// the same text.
var javaLogs = map[cause.Code]string{
	cause.ChainIncomplete:         "javax.net.ssl.SSLHandshakeException: PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification path to requested target",
	cause.UntrustedRoot:           "javax.net.ssl.SSLHandshakeException: PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification path to requested target",
	cause.SelfSigned:              "javax.net.ssl.SSLHandshakeException: PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification path to requested target",
	cause.CertExpired:             "PKIX path validation failed: java.security.cert.CertPathValidatorException: validity check failed",
	cause.CertNotYetValid:         "PKIX path validation failed: java.security.cert.CertPathValidatorException: validity check failed",
	cause.HostnameMismatch:        "No subject alternative DNS name matching <host> found.",
	cause.NotTLS:                  "javax.net.ssl.SSLException: Unsupported or unrecognized SSL message | javax.net.ssl.SSLException: SSL V2.0 servers are not supported",
	cause.ResetDuringHandshake:    "java.net.SocketException: Connection reset | java.net.SocketException: Broken pipe",
	cause.ClosedDuringHandshake:   "javax.net.ssl.SSLHandshakeException: Remote host terminated the handshake",
	cause.ProtocolVersionMismatch: "Received fatal alert: protocol_version | No appropriate protocol (protocol is disabled or cipher suites are inappropriate)",
	cause.CipherMismatch:          "Received fatal alert: handshake_failure",
	cause.GroupMismatch:           "Received fatal alert: handshake_failure",
	cause.ServerAlert:             "Received fatal alert: ",
	cause.BadKeyUsage:             "Extended key usage does not permit use for TLS server authentication",
	cause.TCPRefused:              "java.net.ConnectException: Connection refused",
	cause.TCPTimeout:              "java.net.SocketTimeoutException: Connect timed out",
	cause.HandshakeTimeout:        "java.net.SocketTimeoutException: Read timed out",
	cause.HTTPInvalidResponse:     "java.io.IOException: Invalid Http response | java.net.ProtocolException: Header size too big",
	cause.DoubleTLS:               "Unexpected end of file from server | java.io.IOException: Invalid Http response",
	cause.HTTPNoResponse:          "Unexpected end of file from server | java.net.SocketException: Connection reset",
	cause.CertTooLarge:            "The size of the handshake message (...) exceeds the maximum allowed size",
	cause.ClientCertRequired:      "Server returned HTTP response code: 400",
}

// java17Logs adds what Java 17 (TLS 1.3) was seen to log here.
var java17Logs = with(javaLogs, map[cause.Code]string{
	cause.ClientCertRequired: "Received fatal alert: certificate_required | Received fatal alert: handshake_failure | java.io.IOException: Error writing to server | java.net.SocketException: Broken pipe | Server returned HTTP response code: 400",
	cause.KeyMismatch:        "javax.net.ssl.SSLHandshakeException: Invalid CertificateVerify signature",
})

// Go's net/http prefixes its errors with `Get "URL": `.
var goLogs = map[cause.Code]string{
	cause.UntrustedRoot:           "tls: failed to verify certificate: x509: certificate signed by unknown authority",
	cause.ChainIncomplete:         "tls: failed to verify certificate: x509: certificate signed by unknown authority",
	cause.SelfSigned:              "tls: failed to verify certificate: x509: certificate signed by unknown authority",
	cause.CertExpired:             "tls: failed to verify certificate: x509: certificate has expired or is not yet valid: current time ... is after ...",
	cause.CertNotYetValid:         "tls: failed to verify certificate: x509: certificate has expired or is not yet valid: current time ... is before ...",
	cause.HostnameMismatch:        "tls: failed to verify certificate: x509: certificate is valid for ..., not <host>",
	cause.CNWithoutSAN:            "x509: certificate relies on legacy Common Name field, use SANs instead",
	cause.WeakSignature:           "x509: cannot verify signature: insecure algorithm",
	cause.BadKeyUsage:             "x509: certificate specifies an incompatible key usage",
	cause.NotTLS:                  "tls: first record does not look like a TLS handshake | http: server gave HTTP response to HTTPS client",
	cause.ProtocolVersionMismatch: "remote error: tls: protocol version not supported",
	cause.CipherMismatch:          "remote error: tls: handshake failure",
	cause.ServerAlert:             "remote error: tls: ",
	cause.ClientCertRequired:      "remote error: tls: certificate required | remote error: tls: handshake failure",
	cause.KeyMismatch:             "tls: invalid signature by the server certificate",
	cause.ResetDuringHandshake:    "read: connection reset by peer",
	cause.ClosedDuringHandshake:   "EOF",
	cause.TCPRefused:              "connect: connection refused",
	cause.TCPTimeout:              "i/o timeout | context deadline exceeded (Client.Timeout exceeded while awaiting headers)",
	cause.HandshakeTimeout:        "net/http: TLS handshake timeout | context deadline exceeded (Client.Timeout exceeded while awaiting headers)",
	cause.HTTPInvalidResponse:     "net/http: HTTP/1.x transport connection broken: malformed HTTP  | net/http: server response headers exceeded",
	cause.DoubleTLS:               "net/http: HTTP/1.x transport connection broken: malformed HTTP response",
	cause.HTTPNoResponse:          "EOF | read: connection reset by peer",
	cause.CertTooLarge:            "tls: handshake message of length ... bytes exceeds maximum of ... bytes",
}

// nginx's error log, after its time stamp and connection number and before
// the request's context (", client: ...").
var nginxLogs = map[cause.Code]string{
	cause.ResetDuringHandshake:    "peer closed connection in SSL handshake (104: Connection reset by peer) while SSL handshaking to upstream",
	cause.ClosedDuringHandshake:   "peer closed connection in SSL handshake while SSL handshaking to upstream",
	cause.SNIRequired:             "SSL_do_handshake() failed (SSL: error:0A000458:SSL routines::tlsv1 unrecognized name...) while SSL handshaking to upstream",
	cause.NotTLS:                  "SSL_do_handshake() failed (SSL: error:0A00010B:SSL routines::wrong version number) while SSL handshaking to upstream",
	cause.ProtocolVersionMismatch: "SSL_do_handshake() failed (SSL: error:0A00014D:SSL routines::legacy sigalg disallowed or unsupported) while SSL handshaking to upstream | SSL_do_handshake() failed (SSL: error:0A00042E:SSL routines::tlsv1 alert protocol version...) while SSL handshaking to upstream",
	cause.CipherMismatch:          "SSL_do_handshake() failed (SSL: error:0A000410:SSL routines::sslv3 alert handshake failure...) while SSL handshaking to upstream",
	cause.ServerAlert:             "SSL_do_handshake() failed (SSL: error:...:SSL routines::tlsv1 alert ...) while SSL handshaking to upstream",
	cause.ClientCertRequired:      "SSL_do_handshake() failed (SSL: error:0A000410:SSL routines::sslv3 alert handshake failure...) while SSL handshaking to upstream | SSL_do_handshake() failed (SSL: error:0A00045C:SSL routines::tlsv13 alert certificate required...) while SSL handshaking to upstream",
	cause.KeyMismatch:             "SSL_do_handshake() failed (SSL: error:0A00007B:SSL routines::bad signature) while SSL handshaking to upstream",
	cause.TCPRefused:              "connect() failed (111: Connection refused) while connecting to upstream",
	cause.TCPTimeout:              "upstream timed out (110: Connection timed out) while connecting to upstream",
	cause.HandshakeTimeout:        "upstream timed out (110: Connection timed out) while SSL handshaking to upstream",
	cause.HTTPInvalidResponse:     "upstream sent no valid HTTP/1.0 header while reading response header from upstream | upstream sent too big header while reading response header from upstream",
	cause.DoubleTLS:               "upstream sent no valid HTTP/1.0 header while reading response header from upstream",
	cause.HTTPNoResponse:          "upstream prematurely closed connection while reading response header from upstream",
	cause.RenegotiationUnsafe:     "SSL_do_handshake() failed (SSL: error:0A000152:SSL routines::unsafe legacy renegotiation disabled) while SSL handshaking to upstream",
	cause.WeakKey:                 "SSL_do_handshake() failed (SSL: error:0A00018A:SSL routines::dh key too small) while SSL handshaking to upstream",
	cause.CertTooLarge:            "SSL_do_handshake() failed (SSL: error:0A000098:SSL routines::excessive message size) while SSL handshaking to upstream",
}

// nginxVerifyLogs adds what nginx logs with proxy_ssl_verify on. A leaf sent
// alone is error 21: nginx's verify callback lets OpenSSL go on past error
// 20, and the chain then ends at the leaf.
var nginxVerifyLogs = with(nginxLogs, map[cause.Code]string{
	cause.ChainIncomplete:  "upstream SSL certificate verify error: (21:unable to verify the first certificate) while SSL handshaking to upstream | upstream SSL certificate verify error: (20:unable to get local issuer certificate) while SSL handshaking to upstream",
	cause.UntrustedRoot:    "upstream SSL certificate verify error: (20:unable to get local issuer certificate) while SSL handshaking to upstream | upstream SSL certificate verify error: (19:self-signed certificate in certificate chain) while SSL handshaking to upstream",
	cause.SelfSigned:       "upstream SSL certificate verify error: (18:self-signed certificate) while SSL handshaking to upstream",
	cause.CertExpired:      "upstream SSL certificate verify error: (10:certificate has expired) while SSL handshaking to upstream",
	cause.CertNotYetValid:  "upstream SSL certificate verify error: (9:certificate is not yet valid) while SSL handshaking to upstream",
	cause.WeakKey:          "upstream SSL certificate verify error: (66:EE certificate key too weak) while SSL handshaking to upstream | SSL_do_handshake() failed (SSL: error:0A00018A:SSL routines::dh key too small) while SSL handshaking to upstream",
	cause.WeakSignature:    "upstream SSL certificate verify error: (68:CA signature digest algorithm too weak) while SSL handshaking to upstream",
	cause.BadKeyUsage:      "upstream SSL certificate verify error: (26:unsuitable certificate purpose) while SSL handshaking to upstream",
	cause.HostnameMismatch: "upstream SSL certificate does not match \"<host>\" while SSL handshaking to upstream",
	// Observed with Debian's nginx 1.22 and OpenSSL 3.0: past the verify
	// depth (proxy_ssl_verify_depth 1, a chain with two intermediates)
	// OpenSSL reports the issuer as missing, not 22.
	cause.ChainTooLong: "upstream SSL certificate verify error: (20:unable to get local issuer certificate) while SSL handshaking to upstream",
	// Without SNI, a server with a default certificate for another name
	// fails the name check instead of the handshake, or the chain check
	// when the default certificate comes without its intermediate.
	cause.SNIRequired: "SSL_do_handshake() failed (SSL: error:0A000458:SSL routines::tlsv1 unrecognized name...) while SSL handshaking to upstream | upstream SSL certificate does not match \"<host>\" while SSL handshaking to upstream | upstream SSL certificate verify error: (21:unable to verify the first certificate) while SSL handshaking to upstream",
})

// HAProxy's request log says little of a back-end failure by default
// ("503 SC--"); %[bc_err_str] and %[ssl_bc_err_str] (HAProxy 2.5+) add the
// connection's error and OpenSSL's. The lines below are "%ST %tsc
// %[bc_err_str]: %[ssl_bc_err_str]"; a health check logs the bc_err_str
// text in its "info".
var haproxyLogs = map[cause.Code]string{
	cause.ChainIncomplete:         "SSL handshake failure...certificate verify failed",
	cause.UntrustedRoot:           "SSL handshake failure...certificate verify failed",
	cause.SelfSigned:              "SSL handshake failure...certificate verify failed",
	cause.CertExpired:             "SSL handshake failure...certificate verify failed",
	cause.CertNotYetValid:         "SSL handshake failure...certificate verify failed",
	cause.WeakKey:                 "SSL handshake failure...certificate verify failed | SSL handshake failure...dh key too small",
	cause.WeakSignature:           "SSL handshake failure...certificate verify failed",
	cause.BadKeyUsage:             "SSL handshake failure...certificate verify failed",
	cause.HostnameMismatch:        "Server presented an SSL certificate different from the expected one",
	cause.NotTLS:                  "SSL handshake failure...wrong version number",
	cause.ProtocolVersionMismatch: "SSL handshake failure...legacy sigalg disallowed or unsupported | SSL handshake failure...tlsv1 alert protocol version",
	cause.CipherMismatch:          "SSL handshake failure...sslv3 alert handshake failure",
	cause.ServerAlert:             "SSL handshake failure...tlsv1 alert ",
	cause.ClientCertRequired:      "SSL fatal error...tlsv13 alert certificate required | 400 ---- | SSL handshake failure...sslv3 alert handshake failure",
	cause.KeyMismatch:             "SSL handshake failure...bad signature",
	cause.ResetDuringHandshake:    "SSL handshake failure: - | Connection error during SSL handshake",
	cause.ClosedDuringHandshake:   "SSL handshake failure: - | Connection closed during SSL handshake",
	cause.TCPRefused:              "503 SC--",
	cause.TCPTimeout:              "503 sC--",
	cause.HandshakeTimeout:        "503 sC-- | Timeout during SSL handshake",
	cause.HTTPInvalidResponse:     "502 PH--",
	cause.DoubleTLS:               "502 PH--",
	cause.HTTPNoResponse:          "502 SH--",
	cause.RenegotiationUnsafe:     "SSL handshake failure...unsafe legacy renegotiation disabled",
	cause.CertTooLarge:            "SSL handshake failure...excessive message size",
}

// Chromium's net error codes; its error page shows them as NET::ERR_...
var chromeLogs = map[cause.Code]string{
	cause.UntrustedRoot: "NET::ERR_CERT_AUTHORITY_INVALID", cause.SelfSigned: "NET::ERR_CERT_AUTHORITY_INVALID", cause.ChainIncomplete: "NET::ERR_CERT_AUTHORITY_INVALID",
	cause.CertExpired: "NET::ERR_CERT_DATE_INVALID", cause.CertNotYetValid: "NET::ERR_CERT_DATE_INVALID",
	cause.HostnameMismatch: "NET::ERR_CERT_COMMON_NAME_INVALID", cause.CNWithoutSAN: "NET::ERR_CERT_COMMON_NAME_INVALID",
	// An ECDSA-SHA1 leaf under a locally trusted root is ERR_CERT_INVALID.
	cause.WeakSignature: "NET::ERR_CERT_INVALID | NET::ERR_CERT_WEAK_SIGNATURE_ALGORITHM", cause.WeakKey: "NET::ERR_CERT_WEAK_KEY",
	cause.BadKeyUsage:             "NET::ERR_CERT_INVALID",
	cause.ProtocolVersionMismatch: "ERR_SSL_VERSION_OR_CIPHER_MISMATCH", cause.CipherMismatch: "ERR_SSL_VERSION_OR_CIPHER_MISMATCH",
	cause.GroupMismatch: "ERR_SSL_VERSION_OR_CIPHER_MISMATCH",
	cause.NotTLS:        "ERR_SSL_PROTOCOL_ERROR", cause.ServerAlert: "ERR_SSL_PROTOCOL_ERROR", cause.KeyMismatch: "ERR_SSL_PROTOCOL_ERROR",
	cause.ResetDuringHandshake: "ERR_CONNECTION_RESET", cause.ClosedDuringHandshake: "ERR_CONNECTION_CLOSED", cause.TCPRefused: "ERR_CONNECTION_REFUSED",
	cause.HTTPInvalidResponse: "ERR_INVALID_HTTP_RESPONSE | ERR_RESPONSE_HEADERS_TOO_BIG", cause.DoubleTLS: "ERR_RESPONSE_HEADERS_TRUNCATED | ERR_INVALID_HTTP_RESPONSE",
	cause.HTTPNoResponse: "ERR_EMPTY_RESPONSE | ERR_CONNECTION_RESET",
	// The TLS 1.3 server's alert arrives after the handshake: Chromium
	// reports it as one or the other, as it races the request.
	cause.ClientCertRequired: "ERR_BAD_SSL_CLIENT_AUTH_CERT | ERR_SOCKET_NOT_CONNECTED",
	cause.CertRevoked:        "NET::ERR_CERT_REVOKED",
	cause.CertTooLarge:       "ERR_SSL_PROTOCOL_ERROR",
}

// GnuTLS: gnutls-cli prints "- Status: The certificate is NOT trusted. ..."
// or "*** Fatal error: ..."; wget prints "ERROR: The certificate of '<host>'
// ..." or "GnuTLS: ..." (and, at its own time-out, only "Unable to
// establish SSL connection.").
var gnutlsLogs = map[cause.Code]string{
	cause.ChainIncomplete:       "The certificate issuer is unknown. | doesn't have a known issuer.",
	cause.UntrustedRoot:         "The certificate issuer is unknown. | doesn't have a known issuer.",
	cause.SelfSigned:            "The certificate issuer is unknown. | doesn't have a known issuer.",
	cause.CertExpired:           "The certificate chain uses expired certificate. | has expired.",
	cause.CertNotYetValid:       "The certificate chain uses not yet valid certificate. | is not yet activated.",
	cause.HostnameMismatch:      "The name in the certificate does not match the expected. | The certificate's owner does not match hostname",
	cause.WeakSignature:         "The certificate chain uses insecure algorithm. | was signed using an insecure algorithm.",
	cause.BadKeyUsage:           "The certificate chain does not match the intended purpose.",
	cause.NotTLS:                "An unexpected TLS packet was received.",
	cause.ResetDuringHandshake:  "Error in the pull function.",
	cause.ClosedDuringHandshake: "The TLS connection was non-properly terminated.",
	cause.ServerAlert:           "received alert [",
	cause.CipherMismatch:        "received alert [40]: Handshake failed",
	cause.ClientCertRequired:    "Received alert [116]: Certificate is required | The specified session has been invalidated for some reason. | Read error (A TLS fatal alert has been received.) | ERROR 400: Bad Request. | received alert [40]: Handshake failed",
	cause.KeyMismatch:           "Public key signature verification has failed.",
	cause.TCPRefused:            "Connection refused",
	cause.TCPTimeout:            "failed: Connection timed out.",
	cause.HandshakeTimeout:      "Unable to establish SSL connection.",
	cause.CertTooLarge:          "The handshake data size is too large.",
	cause.HTTPNoResponse:        "Read error (The request is invalid.) in headers. | Error in the pull function.",
	cause.CertRevoked:           "The certificate chain is revoked. | has been revoked.",
}

// with returns a copy of base with more added.
func with(base, more map[cause.Code]string) map[cause.Code]string {
	out := make(map[cause.Code]string, len(base)+len(more))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range more {
		out[k] = v
	}
	return out
}
