package store

import (
	"context"
	"testing"
	"time"
)

func TestLibrary(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		ctx := context.Background()
		s, err := Open(ctx, bk.location(t))
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = s.Close() }()
		now := time.Date(2026, 12, 2, 1, 0, 0, 0, time.UTC)
		if err := s.PutLibraryItem(ctx, LibraryItem{Kind: "bogus", Name: "x", Data: []byte("a")}); err == nil {
			t.Fatal("unknown kind stored")
		}
		for _, it := range []LibraryItem{
			{Kind: LibraryRoster, Name: "市直部门", Data: []byte("body,type\nA,department\n"), CreatedBy: "admin", Created: now},
			{Kind: LibraryRoster, Name: "区县", Data: []byte("body,type\nB,government\n"), CreatedBy: "admin", Created: now},
			{Kind: LibraryProfile, Name: "本市细则", Data: []byte("name: x\n"), CreatedBy: "admin", Created: now},
			{Kind: LibraryRoster, Name: "区县", Data: []byte("body,type\nC,government\n"), CreatedBy: "admin2", Created: now},
		} {
			if err := s.PutLibraryItem(ctx, it); err != nil {
				t.Fatal(err)
			}
		}
		rs, err := s.LibraryItems(ctx, LibraryRoster)
		if err != nil || len(rs) != 2 || rs[0].Name != "区县" || string(rs[0].Data) != "body,type\nC,government\n" || rs[0].CreatedBy != "admin2" || !rs[0].Created.Equal(now) {
			t.Fatalf("rosters: %+v %v", rs, err)
		}
		if it, ok, err := s.LibraryItem(ctx, LibraryProfile, "本市细则"); !ok || err != nil || string(it.Data) != "name: x\n" {
			t.Fatalf("profile: %+v %v %v", it, ok, err)
		}
		if err := s.DeleteLibraryItem(ctx, LibraryRoster, "区县"); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := s.LibraryItem(ctx, LibraryRoster, "区县"); ok {
			t.Fatal("deleted item still there")
		}
	})
}
