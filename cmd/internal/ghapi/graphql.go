package ghapi

import (
	"fmt"
	"net/url"
	"strings"
)

// graphQLURL is the GraphQL endpoint of the REST root base, for when the
// runner gives none (GITHUB_GRAPHQL_URL): https://api.github.com/graphql
// on github.com, https://HOST/api/graphql on GitHub Enterprise, whose REST
// root is https://HOST/api/v3.
func graphQLURL(base *url.URL) string {
	u := *base
	path := strings.TrimSuffix(u.Path, "/")
	if rest, ok := strings.CutSuffix(path, "/api/v3"); ok {
		u.Path = rest + "/api/graphql"
	} else {
		u.Path = path + "/graphql"
	}
	u.RawPath = ""
	return u.String()
}

// graphQLEndpoint is the endpoint opts name, or else the one of the REST
// root base.
func graphQLEndpoint(raw string, base *url.URL) (string, error) {
	if raw == "" {
		return graphQLURL(base), nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", fmt.Errorf("GitHub GraphQL URL %q is not an http(s) URL", raw)
	}
	return u.String(), nil
}
