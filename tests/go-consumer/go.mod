// A module outside the repository that uses tacc as any user would: `go get`, nothing else.
// .ci/go.sh copies it to a temp dir, sets the version to Cargo.toml's and points the require at
// the release tree (tools/release/go.sh) laid out as the module cache holds it.
module example.com/tacc-go-consumer

go 1.24

require github.com/tacc-project/tacc/bindings/go v0.1.0
