package inventory

import "strings"

// AWS API Gateway: a REST API or HTTP API exported as OpenAPI 3 or Swagger
// 2 (JSON or YAML). Every x-amazon-apigateway-integration of type http or
// http_proxy with an https:// uri is checked: REST APIs as aws-apigw-rest,
// or aws-apigw-rest-skip-verify with tlsConfig.insecureSkipVerification; HTTP
// APIs (the export carries x-amazon-apigateway-importexport-version) as
// aws-apigw-http, with tlsConfig.serverNameToVerify as the name sent and
// checked. An HTTP API private integration names a load balancer listener
// ARN rather than a host: it is checked by serverNameToVerify, and its
// address is given with --connect.

var awsIntegrationKeys = []string{"type", "uri", "httpMethod", "connectionType", "connectionId", "tlsConfig",
	"passthroughBehavior", "requestParameters", "requestTemplates", "responses", "payloadFormatVersion",
	"timeoutInMillis", "cacheKeyParameters", "cacheNamespace", "contentHandling", "credentials",
	"integrationSubtype", "responseParameters", "description", "integrationTarget"}

func (r *reader) aws(d *node) {
	httpAPI := d.get("x-amazon-apigateway-importexport-version") != nil
	paths, items := d.get("paths").mapping()
	for pi, path := range paths {
		ops, opItems := items[pi].mapping()
		for oi, op := range ops {
			if op == "x-amazon-apigateway-any-method" {
				op = "ANY"
			}
			r.awsIntegration(opItems[oi].get("x-amazon-apigateway-integration"), httpAPI, strings.ToUpper(op)+" "+path)
		}
	}
}

func (r *reader) awsIntegration(in *node, httpAPI bool, where string) {
	if in == nil {
		return
	}
	r.unknownKeys(in, "x-amazon-apigateway-integration of "+where, awsIntegrationKeys...)
	typ := strings.ToLower(in.get("type").str())
	if typ != "http" && typ != "http_proxy" {
		return
	}
	tc := in.get("tlsConfig")
	r.unknownKeys(tc, "tlsConfig of "+where, "insecureSkipVerification", "serverNameToVerify")
	uri := in.get("uri")
	line, col := uri.pos()
	src := Source{File: r.file, Line: line, Col: col}
	private := strings.EqualFold(in.get("connectionType").str(), "VPC_LINK")
	serverName := strings.ToLower(tc.get("serverNameToVerify").str())
	t := Target{Gateway: "aws-apigw-rest", Profile: "aws-apigw-rest", Where: where, Source: src}
	if httpAPI {
		t.Gateway, t.Profile = "aws-apigw-http", "aws-apigw-http"
	}
	raw := uri.str()
	if strings.HasPrefix(raw, "arn:") {
		if serverName == "" {
			if httpAPI && private {
				r.warn(line, col, "%s: a private integration without tlsConfig.serverNameToVerify: the gateway speaks plain HTTP to it, so there is no TLS to check", where)
			} else {
				r.warn(line, col, "%s: the uri is an ARN and no serverNameToVerify names the host: skipped", where)
			}
			return
		}
		raw = "https://" + serverName + "/"
		r.warn(line, col, "%s: the uri is a load balancer ARN: checked as %s; give the listener's address with --connect", where, raw)
	}
	input, ok := r.httpsTarget(raw, line, col, "integration uri")
	if !ok {
		return
	}
	t.Input = input
	if serverName != "" {
		t.ServerName = serverName
		t.Settings = append(t.Settings, "serverNameToVerify: "+serverName)
	}
	if tc.get("insecureSkipVerification").isTrue() {
		if httpAPI {
			r.warn(line, col, "%s: insecureSkipVerification applies to REST APIs only: ignored", where)
		} else {
			t.Profile = "aws-apigw-rest-skip-verify"
			t.Settings = append(t.Settings, "insecureSkipVerification: true")
		}
	}
	if private {
		t.Settings = append(t.Settings, "connectionType: VPC_LINK")
	}
	r.add(t)
}
