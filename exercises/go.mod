module github.com/d2l-go/d2l-go/exercises

go 1.27

toolchain go1.27.3

require github.com/d2l-go/d2l-go v0.0.0-00010101000000-000000000000

require (
	github.com/chromedp/chromedp v0.23.0 // indirect
	github.com/fogleman/gg v1.3.0 // indirect
	github.com/gomlx/compute v0.1.14 // indirect
	github.com/gomlx/compute-onnx v0.1.13 // indirect
	github.com/gomlx/go-xla v0.4.13 // indirect
	github.com/gomlx/gomlx v0.28.16 // indirect
	github.com/janpfeifer/gonb v0.11.5 // indirect
	github.com/schollz/progressbar/v3 v3.19.0 // indirect
	github.com/stretchr/testify v1.12.1 // indirect
	golang.org/x/image v0.26.0 // indirect
	github.com/chromedp/cdproto v0.159.0 // indirect
	github.com/go-json-experiment/json v0.0.0-20260213210345-44df1a37e875 // indirect
	github.com/go-logr/logr v1.4.3 // indirect
	github.com/golang/freetype v0.0.0-20170609003504-e2365dfdc4a0 // indirect
	github.com/mitchellh/colorstring v0.0.0-20190213212951-d06e56a500db // indirect
	github.com/pkg/errors v0.9.1 // indirect
	github.com/rivo/uniseg v0.4.7 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
	golang.org/x/exp v0.0.0-20260908205506-85c1c2202aba // indirect
	golang.org/x/sys v0.48.0 // indirect
	golang.org/x/term v0.40.0 // indirect
	golang.org/x/text v0.35.0 // indirect
	google.golang.org/protobuf v1.36.11 // indirect
	k8s.io/klog/v2 v2.140.0 // indirect
)

replace github.com/d2l-go/d2l-go => ../
