// Package sec65 holds the exercises of section 6.5 (汇聚层, pooling): pooling
// built from convolutions and ReLU, its cost, min pooling and softmax pooling.
// Pooling here is the book's pool2d: stride 1, no padding, X [h][w] ->
// [h-ph+1][w-pw+1].
package sec65
