import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** GDPR Art. 21: the contact objects to a purpose; it then allows nothing whatever its legal basis. */
@Entity('objections')
export class Objection {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') contactId: string;
  @Column('uuid') purposeId: string;
  @Column('text', { nullable: true }) reason: string | null;
  @Column('text', { nullable: true }) recordedBy: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
