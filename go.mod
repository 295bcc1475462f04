module github.com/parallel-sessions/parallel-sessions

go 1.26

require (
	github.com/bmatcuk/doublestar/v4 v4.10.4
	github.com/bradleyfalzon/ghinstallation/v2 v2.10.0
	github.com/golang-jwt/jwt/v4 v4.5.2
	github.com/google/go-github/v60 v60.0.0
	github.com/pelletier/go-toml/v2 v2.4.3
	github.com/sethvargo/go-githubactions v1.3.1
)

require github.com/google/go-querystring v1.1.0 // indirect
