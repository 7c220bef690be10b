module github.com/d2l-go/d2l-go/exercises

go 1.26.8

require github.com/d2l-go/d2l-go v0.0.0-00010101000000-000000000000

require (
	github.com/gomlx/compute v0.1.0 // indirect
	github.com/gomlx/compute-onnx v0.0.0-20260727144917-270d819490b5 // indirect
	github.com/gomlx/go-xla v0.4.0 // indirect
	github.com/gomlx/gomlx v0.28.1 // indirect
	github.com/janpfeifer/gonb v0.11.3 // indirect
	github.com/stretchr/testify v1.12.1 // indirect
	github.com/go-logr/logr v1.4.3 // indirect
	github.com/gofrs/flock v0.13.0 // indirect
	github.com/gofrs/uuid v4.4.0+incompatible // indirect
	github.com/pkg/errors v0.9.1 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
	golang.org/x/exp v0.0.0-20260410095643-746e56fc9e2f // indirect
	golang.org/x/sys v0.43.0 // indirect
	golang.org/x/term v0.40.0 // indirect
	google.golang.org/protobuf v1.36.11 // indirect
	k8s.io/klog/v2 v2.140.0 // indirect
)

replace github.com/d2l-go/d2l-go => ../
