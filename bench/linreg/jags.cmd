model in "model.bug"
data in "data.R"
compile, nchains(1)
parameters in "inits.R"
initialize
update 1000
monitor a
monitor b
monitor s
update 20000
coda *
exit
