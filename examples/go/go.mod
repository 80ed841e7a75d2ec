module github.com/tacc-project/tacc/examples/go

go 1.24

require github.com/tacc-project/tacc/bindings/go v0.0.0

replace github.com/tacc-project/tacc/bindings/go => ../../bindings/go
