module github.com/openrcm/openrcm

go 1.26
