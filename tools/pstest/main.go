// Command pstest runs Google's in-memory Pub/Sub fake (cloud.google.com/go/pubsub/v2/pstest) on a
// local port, for tests on machines without Docker. Point PUBSUB_EMULATOR_HOST at it.
//
//	pstest [-port N]   # N defaults to $PORT, else 8085; 0 picks a free port
//	pstest -fail-first-publish-prefix fail-
//	                   # fault injection for tests: the first Publish of each ordering key that
//	                   # starts with the prefix fails with FAILED_PRECONDITION (which the
//	                   # client does not retry); later ones succeed
//	pstest -refuse-while-file PATH
//	                   # fault injection for tests: while PATH exists, CreateSubscription and
//	                   # Publish fail with PERMISSION_DENIED, as they do on Google Cloud until
//	                   # new IAM grants have propagated
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"

	pb "cloud.google.com/go/pubsub/v2/apiv1/pubsubpb"
	"cloud.google.com/go/pubsub/v2/pstest"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// failFirstPublish is a pstest reactor (the fake's error-injection hook) that fails the first
// Publish request carrying an ordering key with the given prefix, once per key.
type failFirstPublish struct {
	prefix string
	mu     sync.Mutex
	failed map[string]bool
}

func (f *failFirstPublish) React(req interface{}) (bool, interface{}, error) {
	r, ok := req.(*pb.PublishRequest)
	if !ok {
		return false, nil, nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, m := range r.GetMessages() {
		key := m.GetOrderingKey()
		if strings.HasPrefix(key, f.prefix) && !f.failed[key] {
			f.failed[key] = true
			return true, nil, status.Errorf(codes.FailedPrecondition, "injected publish failure for ordering key %q", key)
		}
	}
	return false, nil, nil
}

// refuseWhileFile is a pstest reactor that refuses every call it is registered for while a file
// exists, so a test decides when the "permissions" arrive by deleting the file.
type refuseWhileFile struct {
	path string
}

func (r refuseWhileFile) React(req interface{}) (bool, interface{}, error) {
	if _, err := os.Stat(r.path); err == nil {
		return true, nil, status.Errorf(codes.PermissionDenied, "injected refusal while %s exists", r.path)
	}
	return false, nil, nil
}

func main() {
	def := 8085
	if p, err := strconv.Atoi(os.Getenv("PORT")); err == nil {
		def = p
	}
	port := flag.Int("port", def, "port to listen on (0 picks a free one); defaults to $PORT, else 8085")
	failPrefix := flag.String("fail-first-publish-prefix", "", "fail the first Publish of each ordering key with this prefix (tests only)")
	refuseFile := flag.String("refuse-while-file", "", "refuse CreateSubscription and Publish with PERMISSION_DENIED while this file exists (tests only)")
	flag.Parse()

	var opts []pstest.ServerReactorOption
	if *failPrefix != "" {
		opts = append(opts, pstest.ServerReactorOption{FuncName: "Publish", Reactor: &failFirstPublish{prefix: *failPrefix, failed: map[string]bool{}}})
	}
	if *refuseFile != "" {
		for _, fn := range []string{"CreateSubscription", "Publish"} {
			opts = append(opts, pstest.ServerReactorOption{FuncName: fn, Reactor: refuseWhileFile{path: *refuseFile}})
		}
	}
	srv := pstest.NewServerWithPort(*port, opts...)
	fmt.Printf("pstest listening on %s\n", srv.Addr)

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	sig := <-stop
	if err := srv.Close(); err != nil {
		log.Fatalf("pstest: close after %v: %v", sig, err)
	}
	fmt.Printf("pstest stopped (%v)\n", sig)
}
