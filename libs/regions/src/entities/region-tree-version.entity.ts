import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/** The region tree's version (one row), bumped by every import that adds or renames a region. */
@Entity('region_tree_version')
@Check('region_tree_version_id_check', 'id')
@Check('region_tree_version_version_check', 'version > 0')
export class RegionTreeVersionEntity {
  @PrimaryColumn({ type: 'boolean', default: true })
  id: boolean;

  @Column({ type: 'bigint' })
  version: string;
}
