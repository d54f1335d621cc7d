import { dataInventory, tablesWithoutPersonalData } from '@charter/core';
import { createTestDatabase } from '@charter/testing';
import { describe, expect, it } from 'vitest';

describe('data inventory', () => {
  it('PRV-1 every table is registered in the data inventory or declared free of personal data', async () => {
    const database = await createTestDatabase('sqlite');
    try {
      const tables = (await database.db.introspection.getTables()).map((table) => table.name).sort();
      const registered = new Set([...dataInventory.map((entry) => entry.table), ...tablesWithoutPersonalData]);
      expect(tables.filter((table) => !registered.has(table))).toEqual([]);
      for (const entry of dataInventory) {
        const table = (await database.db.introspection.getTables()).find((candidate) => candidate.name === entry.table);
        expect(table, entry.table).toBeDefined();
        const columns = table!.columns.map((column) => column.name);
        for (const column of [...entry.columns, entry.subjectColumn]) expect(columns, `${entry.table}.${column}`).toContain(column);
      }
    } finally {
      await database.close();
    }
  });
});
