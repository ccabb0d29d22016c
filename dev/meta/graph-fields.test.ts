import { describe, expect, it } from 'vitest';
import { GraphError } from './graph-errors.ts';
import { Edge, type FieldRequest, formatFields, parseFields, pickFields } from './graph-fields.ts';
import { type Random, seededRandom } from './random.ts';

const field = (name: string, fields: FieldRequest[] | null = null, modifiers = {}): FieldRequest => ({
  name,
  modifiers,
  fields,
});

/** A random field tree: up to three levels, some with modifiers. */
function randomFields(random: Random, depth: number): FieldRequest[] {
  const count = 1 + Math.floor(random.next() * 4);
  return Array.from({ length: count }, (_, index) => {
    const nested = depth < 3 && random.next() < 0.3 ? randomFields(random, depth + 1) : null;
    const modifiers = random.next() < 0.3 ? { limit: String(Math.floor(random.next() * 50)) } : {};
    return field(`f${depth}_${index}`, nested, modifiers);
  });
}

describe('fields parameter', () => {
  it('parses edges with modifiers and nested fields', () => {
    expect(parseFields('messages.limit(5){id,from,to{id}}, participants ,updated_time')).toEqual([
      field('messages', [field('id'), field('from'), field('to', [field('id')])], { limit: '5' }),
      field('participants'),
      field('updated_time'),
    ]);
  });

  it('formats what it parses back to the same tree, for many generated trees', () => {
    const random = seededRandom(42);
    for (let round = 0; round < 200; round++) {
      const tree = randomFields(random, 0);
      expect(parseFields(formatFields(tree))).toEqual(tree);
    }
  });

  it('refuses malformed lists with code 100', () => {
    for (const bad of ['', 'a,', 'a{b', 'a{}', 'a.limit(5', 'a.limit', 'a}b', 'a b', 'a..b(1)']) {
      expect(() => parseFields(bad), bad).toThrow(GraphError);
      expect(() => parseFields(bad), bad).toThrow(/^\(#100\) Syntax error in fields/);
    }
  });
});

describe('picking fields', () => {
  const node = {
    id: '1',
    name: 'Ana',
    absent: undefined,
    friends: { data: [{ id: '2', name: 'Bo', age: 3 }] },
    edge: new Edge((request) => ({
      modifiers: request.modifiers,
      nested: request.fields?.map((f) => f.name),
    })),
  };

  it('answers in the order asked, adds id, leaves out fields without a value and reads edges', () => {
    const picked = pickFields(
      'instagram',
      node,
      'User',
      parseFields('edge.limit(2){a,b},absent,friends{name},name'),
    );
    expect(picked).toEqual({
      edge: { modifiers: { limit: '2' }, nested: ['a', 'b'] },
      friends: { data: [{ name: 'Bo' }] },
      name: 'Ana',
      id: '1',
    });
    expect(Object.keys(picked)).toEqual(['edge', 'friends', 'name', 'id']);
  });

  it('refuses a field the node does not have, naming it and the node type', () => {
    expect(() => pickFields('instagram', node, 'User', parseFields('name,biografy'))).toThrow(
      '(#100) Tried accessing nonexisting field (biografy) on node type (User)',
    );
  });
});
