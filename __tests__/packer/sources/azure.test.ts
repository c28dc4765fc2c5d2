/**
 * The azure-arm source's publication: one image per build (#13).
 * packer-plugin-azure v2.6.3 config.go:1200 accepts a shared_image_gallery_destination
 * without managed_image_name; Packer < 1.7's built-in azure-arm publishes from a managed image.
 */
import { RECIPES, SOURCES, generate } from '../templates.js';

describe('azure-arm source', () => {
  it('publishes only the gallery version with modern Packer: no managed image is made or tagged', () => {
    const config = generate('azure', SOURCES.azure[0], RECIPES[0], 'build', true).built.template.source['azure-arm'].image;
    expect(config).not.toHaveProperty('managed_image_name');
    expect(config).not.toHaveProperty('managed_image_resource_group_name');
    expect(config.shared_image_gallery_destination).toMatchObject({
      gallery_name: '${var.gallery}',
      image_name: '${var.image_definition}',
    });
  });

  it('keeps the managed image Packer < 1.7 publishes from', () => {
    const config = generate('azure', SOURCES.azure[0], RECIPES[0], 'build', false).built.template.source['azure-arm'].image;
    expect(config).toMatchObject({ managed_image_name: '${var.image_name}', managed_image_resource_group_name: '${var.resource_group}' });
  });
});
