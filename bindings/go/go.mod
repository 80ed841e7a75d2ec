module github.com/tacc-project/tacc/bindings/go

go 1.24
