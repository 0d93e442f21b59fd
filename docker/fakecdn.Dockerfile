# fakecdn: the stickylab load balancer (edge or datacenter LB by configuration).
# Build context: a directory holding the static binary `fakecdn`
# (CGO_ENABLED=0). The lab mounts the config file and TLS files at run time.
FROM scratch
COPY fakecdn /fakecdn
USER 65534:65534
EXPOSE 8080 8081 8443
ENTRYPOINT ["/fakecdn"]
