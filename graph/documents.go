package graph

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policykb/policykb"
)

// Page selects Limit items after skipping Offset.
type Page struct{ Offset, Limit int }

const documentFields = `d.id, city.name, d.title, d.issuer, d.issuedOn, d.docType, d.url, d.sourceFile, d.sha256, d.synthetic`

func documentOf(v []any) policykb.Document {
	return policykb.Document{ID: str(v[0]), City: str(v[1]), Title: str(v[2]), Issuer: str(v[3]),
		IssuedOn: date(v[4]), DocType: str(v[5]), URL: str(v[6]), SourceFile: str(v[7]),
		SHA256: str(v[8]), Synthetic: boolean(v[9])}
}

const allCities = `MATCH (c:City) RETURN c.name, c.nameZh, c.province ORDER BY c.name`

// Cities returns every city, ordered by name.
func (s *Store) Cities(ctx context.Context) ([]policykb.City, error) {
	ctx, end := s.enter(ctx, "Cities")
	defer end()
	cities, err := readShared(ctx, s, &s.catalog.cities, s.citiesIn)
	if err != nil {
		return nil, fmt.Errorf("graph: cities: %w", err)
	}
	return cities, nil
}

func readCities(ctx context.Context, tx neo4j.ManagedTransaction) ([]policykb.City, error) {
	recs, err := collect(ctx, tx, allCities, nil)
	if err != nil {
		return nil, err
	}
	var cities []policykb.City
	for _, rec := range recs {
		cities = append(cities, policykb.City{Name: str(rec.Values[0]), NameZh: str(rec.Values[1]), Province: str(rec.Values[2])})
	}
	return cities, nil
}

// coderDocCondition restricts documents to those coded by the filter's
// coders, when it names any.
func coderDocCondition(f policykb.CorpusFilter, params map[string]any) string {
	if len(f.Coders) == 0 {
		return "true"
	}
	params["fCoders"] = f.Coders
	return "EXISTS { (d)-[:HAS_SENTENCE]->(:Sentence)-[r:CODED_AS]->() WHERE r.coder IN $fCoders }"
}

// Documents lists the documents the filter admits, ordered by city name,
// issue date and id, without their text, with the total number admitted.
func (s *Store) Documents(ctx context.Context, f policykb.CorpusFilter, p Page) ([]policykb.Document, int, error) {
	ctx, end := s.enter(ctx, "Documents")
	defer end()
	params, err := s.filterParams(ctx, f, map[string]any{"offset": int64(p.Offset), "limit": int64(p.Limit)})
	if err != nil {
		return nil, 0, err
	}
	where := filterClause(f, params, false) + " AND " + coderDocCondition(f, params)
	match := "\nMATCH (city:City)-[:ISSUED]->(d:Document) WHERE " + where
	docs, total, err := countAndPage(ctx, s, "", match, "city.name, d.issuedOn, d.id", documentFields, params, documentOf)
	if err != nil {
		return nil, 0, fmt.Errorf("graph: documents: %w", err)
	}
	return docs, total, nil
}

const documentsByID = `
MATCH (city:City)-[:ISSUED]->(d:Document) WHERE d.id IN $ids
RETURN ` + documentFields

// DocumentsByID returns the documents with the given ids, keyed by id;
// unknown ids are absent from the map.
func (s *Store) DocumentsByID(ctx context.Context, ids []string) (map[string]policykb.Document, error) {
	ctx, end := s.enter(ctx, "DocumentsByID")
	defer end()
	out, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return collect(ctx, tx, documentsByID, map[string]any{"ids": ids})
	})
	if err != nil {
		return nil, fmt.Errorf("graph: documents by id: %w", err)
	}
	docs := map[string]policykb.Document{}
	for _, rec := range out.([]*neo4j.Record) {
		d := documentOf(rec.Values)
		docs[d.ID] = d
	}
	return docs, nil
}

const documentsByCity = `
MATCH (city:City)-[:ISSUED]->(d:Document) WHERE city.name IN $cities
RETURN ` + documentFields + ` ORDER BY city.name, d.issuedOn, d.id`

// DocumentsByCity returns each named city's documents (by City.Name), in
// issue-date order.
func (s *Store) DocumentsByCity(ctx context.Context, cities []string) (map[string][]policykb.Document, error) {
	ctx, end := s.enter(ctx, "DocumentsByCity")
	defer end()
	out, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return collect(ctx, tx, documentsByCity, map[string]any{"cities": cities})
	})
	if err != nil {
		return nil, fmt.Errorf("graph: documents by city: %w", err)
	}
	docs := map[string][]policykb.Document{}
	for _, rec := range out.([]*neo4j.Record) {
		d := documentOf(rec.Values)
		docs[d.City] = append(docs[d.City], d)
	}
	return docs, nil
}

const sentenceCounts = `
MATCH (d:Document) WHERE d.id IN $ids
RETURN d.id, COUNT { (d)-[:HAS_SENTENCE]->(:Sentence) }`

// SentenceCounts returns the number of sentences of each document.
func (s *Store) SentenceCounts(ctx context.Context, docIDs []string) (map[string]int, error) {
	ctx, end := s.enter(ctx, "SentenceCounts")
	defer end()
	out, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return collect(ctx, tx, sentenceCounts, map[string]any{"ids": docIDs})
	})
	if err != nil {
		return nil, fmt.Errorf("graph: sentence counts: %w", err)
	}
	counts := map[string]int{}
	for _, rec := range out.([]*neo4j.Record) {
		counts[str(rec.Values[0])] = integer(rec.Values[1])
	}
	return counts, nil
}

const documentWithText = `
MATCH (city:City)-[:ISSUED]->(d:Document {id: $id})
RETURN ` + documentFields + `, d.text`

// DocumentSentences returns a stored document with its text and all its
// sentences in order, or ErrNotFound.
func (s *Store) DocumentSentences(ctx context.Context, docID string) (policykb.Document, []policykb.Sentence, error) {
	ctx, end := s.enter(ctx, "DocumentSentences")
	defer end()
	var doc policykb.Document
	var sentences []policykb.Sentence
	_, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		recs, err := collect(ctx, tx, documentWithText, map[string]any{"id": docID})
		if err != nil {
			return nil, err
		}
		if len(recs) == 0 {
			return nil, ErrNotFound
		}
		doc = documentOf(recs[0].Values)
		doc.Text = str(recs[0].Values[10])
		recs, err = collect(ctx, tx, sentencesOfDocuments, map[string]any{"ids": []string{docID}, "offset": int64(0), "limit": int64(1 << 40)})
		if err != nil {
			return nil, err
		}
		sentences = sentences[:0]
		for _, rec := range recs {
			sentences = append(sentences, sentenceOf(rec.Values))
		}
		return nil, nil
	})
	if err != nil {
		return doc, nil, fmt.Errorf("graph: document %s: %w", docID, err)
	}
	return doc, sentences, nil
}
