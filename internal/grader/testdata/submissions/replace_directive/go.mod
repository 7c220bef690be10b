module github.com/d2l-go/d2l-go/exercises

go 1.26.8

require github.com/d2l-go/d2l-go v0.0.0-00010101000000-000000000000

replace github.com/d2l-go/d2l-go => ../
replace github.com/d2l-go/d2l-go/solutions => ./evil
