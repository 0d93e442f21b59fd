# fakeapp: the stickylab login portal. The build context holds a static
# binary named fakeapp (CGO_ENABLED=0 go build -trimpath -o fakeapp ./cmd/fakeapp);
# nothing else goes in the image: no shell, no CA bundle (it speaks plain HTTP
# behind the load balancers).
FROM scratch
COPY fakeapp /fakeapp
USER 65534:65534
EXPOSE 8080 8081
ENTRYPOINT ["/fakeapp"]
